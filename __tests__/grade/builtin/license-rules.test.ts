import { describe, expect, it } from '@jest/globals'
import { checkLicense } from '../../../src/grade/builtin/license-rules.js'
import { recogniseLicenseText } from '../../../src/grade/builtin/license-text.js'
import { licenseFamily, parseSpdx } from '../../../src/grade/builtin/spdx.js'
import { ids, manifestOf, packageFilesOf } from './helpers.js'

const MIT_TEXT = `MIT License

Copyright (c) 2026 Example

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.`

const APACHE_HEAD = `
                                 Apache License
                           Version 2.0, January 2004
                        http://www.apache.org/licenses/`

const ISC_TEXT = `ISC License

Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.`

const GPL3_HEAD = `                    GNU GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007
 ... use the GNU Lesser General Public License instead of this License ...
 ... version 3 of the GNU Affero General Public License ...`

describe('checkLicense', () => {
  it('accepts an SPDX license with the matching LICENSE text', () => {
    const files = packageFilesOf({ LICENSE: MIT_TEXT })
    expect(checkLicense(manifestOf({ license: 'MIT' }), files)).toEqual([])
    expect(checkLicense(manifestOf({ license: '(Apache-2.0 OR MIT)' }), files)).toEqual([])
    // British spelling and a legacy {type} license
    expect(
      checkLicense(manifestOf({ license: { type: 'MIT' } }), packageFilesOf({ LICENCE: MIT_TEXT }))
    ).toEqual([])
  })

  it('deducts for no license, UNLICENSED and free text', () => {
    const files = packageFilesOf({ LICENSE: MIT_TEXT })
    expect(ids(checkLicense(manifestOf(), files))).toEqual(['license.missing'])
    expect(ids(checkLicense(manifestOf({ license: 'UNLICENSED' }), files))).toEqual([
      'license.unlicensed'
    ])
    const free = checkLicense(manifestOf({ license: 'MIT License' }), files)
    expect(free).toEqual([
      expect.objectContaining({
        ruleId: 'license.not-spdx',
        evidence: {
          file: 'package.json',
          snippet: 'license: "MIT License": unexpected "License"'
        }
      })
    ])
  })

  it('reports SEE LICENSE IN a file the tarball lacks, once', () => {
    const findings = checkLicense(
      manifestOf({ license: 'SEE LICENSE IN LICENSE' }),
      packageFilesOf({ 'README.md': '# x' })
    )
    expect(ids(findings)).toEqual(['license.see-file-missing'])
    expect(findings[0]?.evidence?.snippet).toBe(
      'license: "SEE LICENSE IN LICENSE", but LICENSE is not in the package'
    )
  })

  it('accepts SEE LICENSE IN a file that ships, and reads it', () => {
    expect(
      checkLicense(
        manifestOf({ license: 'SEE LICENSE IN ./TERMS.md' }),
        packageFilesOf({ 'TERMS.md': MIT_TEXT })
      )
    ).toEqual([])
    expect(
      ids(
        checkLicense(
          manifestOf({ license: 'SEE LICENSE IN TERMS.md' }),
          packageFilesOf({ 'TERMS.md': 'All rights reserved. Ask us.' })
        )
      )
    ).toEqual(['license.file-unrecognised'])
  })

  it('deducts for a missing, unrecognised or mismatched LICENSE file', () => {
    expect(ids(checkLicense(manifestOf({ license: 'MIT' }), packageFilesOf({})))).toEqual([
      'license.file-missing'
    ])
    const odd = checkLicense(
      manifestOf({ license: 'MIT' }),
      packageFilesOf({ 'LICENSE.md': 'Use it as you like, but be nice.\nThanks' })
    )
    expect(odd[0]).toMatchObject({
      ruleId: 'license.file-unrecognised',
      evidence: { file: 'LICENSE.md', line: 1, snippet: 'Use it as you like, but be nice.' }
    })
    const mismatch = checkLicense(
      manifestOf({ license: 'MIT' }),
      packageFilesOf({ LICENSE: APACHE_HEAD })
    )
    expect(mismatch[0]).toMatchObject({
      ruleId: 'license.file-mismatch',
      evidence: { file: 'LICENSE', snippet: 'package.json declares MIT; LICENSE is Apache-2.0' }
    })
  })

  it('compares GPL families regardless of -only/-or-later', () => {
    expect(
      checkLicense(
        manifestOf({ license: 'GPL-3.0-or-later' }),
        packageFilesOf({ COPYING: GPL3_HEAD })
      )
    ).toEqual([])
  })
})

describe('parseSpdx', () => {
  it.each([
    ['MIT', ['MIT']],
    ['mit', ['MIT']],
    ['(MIT OR Apache-2.0)', ['MIT', 'Apache-2.0']],
    ['GPL-2.0+ WITH Classpath-exception-2.0 AND BSD-3-Clause', ['GPL-2.0', 'BSD-3-Clause']],
    ['LicenseRef-Custom', ['LicenseRef-Custom']],
    ['(MIT and (ISC or 0BSD))', ['MIT', 'ISC', '0BSD']]
  ])('%s', (text, licenses) => {
    expect(parseSpdx(text)).toEqual({ licenses })
  })

  it.each([
    ['', /empty/],
    ['MIT OR', /expected/],
    ['(MIT', /unbalanced/],
    ['MIT Apache-2.0', /unexpected/],
    ['BSD', /not a known SPDX/],
    ['MIT WITH', /exception/],
    ['Apache 2.0', /not a known SPDX/]
  ])('rejects %j', (text, message) => {
    const parsed = parseSpdx(text)
    expect('message' in parsed && parsed.message).toMatch(message)
  })

  it('maps ids to families', () => {
    expect(licenseFamily('GPL-3.0-only')).toBe('GPL-3.0')
    expect(licenseFamily('LGPL-2.1-or-later')).toBe('LGPL-2.1')
    expect(licenseFamily('MIT')).toBe('MIT')
  })
})

describe('recogniseLicenseText', () => {
  it('tells common licenses apart', () => {
    expect(recogniseLicenseText(MIT_TEXT)).toBe('MIT')
    expect(recogniseLicenseText(APACHE_HEAD)).toBe('Apache-2.0')
    expect(recogniseLicenseText(ISC_TEXT)).toBe('ISC')
    expect(recogniseLicenseText(GPL3_HEAD)).toBe('GPL-3.0')
    expect(recogniseLicenseText(ISC_TEXT.replace(/, provided that[\s\S]*$/, '.'))).toBe('0BSD')
    expect(
      recogniseLicenseText(
        'Redistribution and use in source and binary forms, with or without modification...\n' +
          'Neither the name of the copyright holder nor the names of its contributors...'
      )
    ).toBe('BSD-3-Clause')
    expect(
      recogniseLicenseText(
        'This is free and unencumbered software released into the public domain.'
      )
    ).toBe('Unlicense')
    expect(recogniseLicenseText('Proprietary. All rights reserved.')).toBeNull()
  })
})
