/**
 * Recognise the text of a LICENSE file: which common license it is, by phrases that appear in the
 * official texts (SPDX License List texts) and in no other of the licenses below. Recognition is
 * by family (`GPL-3.0`, not `GPL-3.0-only`: the text does not say which).
 */

/** Files at the package root that hold license terms: LICENSE, LICENCE, COPYING (+ suffixes). */
export const LICENSE_FILE = /^(licen[cs]e|copying)([-._][a-z0-9-]+)?(\.(md|markdown|txt|rst))?$/i

interface Signature {
  id: string
  all: RegExp[]
  none?: RegExp[]
}

/** Checked in order; the first match wins (more specific texts first). */
const SIGNATURES: readonly Signature[] = [
  // Headers of the GNU texts (each GNU text names the others in its body, so match headers).
  { id: 'AGPL-3.0', all: [/gnu affero general public license version 3, 19 november 2007/] },
  { id: 'LGPL-3.0', all: [/gnu lesser general public license version 3, 29 june 2007/] },
  { id: 'LGPL-2.1', all: [/gnu lesser general public license version 2\.1, february 1999/] },
  { id: 'LGPL-2.0', all: [/gnu library general public license version 2, june 1991/] },
  { id: 'GPL-3.0', all: [/gnu general public license version 3, 29 june 2007/] },
  { id: 'GPL-2.0', all: [/gnu general public license version 2, june 1991/] },
  // The short GNU notices ("… under the terms of the GNU General Public License … version 3").
  { id: 'AGPL-3.0', all: [/gnu affero general public license/, /version 3/] },
  { id: 'LGPL-3.0', all: [/gnu lesser general public license/, /version 3/] },
  { id: 'LGPL-2.1', all: [/gnu lesser general public license/, /version 2\.1/] },
  { id: 'GPL-3.0', all: [/gnu general public license/, /version 3/] },
  { id: 'GPL-2.0', all: [/gnu general public license/, /version 2/] },
  { id: 'Apache-2.0', all: [/apache license/, /version 2\.0/] },
  { id: 'MPL-2.0', all: [/mozilla public license/, /(version 2\.0|v\. 2\.0)/] },
  { id: 'EPL-2.0', all: [/eclipse public license/, /(v 2\.0|version 2\.0)/] },
  {
    id: 'Unlicense',
    all: [/this is free and unencumbered software released into the public domain/]
  },
  { id: 'CC0-1.0', all: [/cc0 1\.0 universal/] },
  { id: 'BSL-1.0', all: [/boost software license/] },
  { id: 'WTFPL', all: [/do what the fuck you want to public license/] },
  {
    id: 'Zlib',
    all: [/this software is provided 'as-is'/, /altered source versions must be plainly marked/]
  },
  {
    id: 'ISC',
    all: [
      /permission to use, copy, modify, (and\/or |and )?distribute this software for any purpose with or without fee is hereby granted/,
      /provided that the above copyright notice and this permission notice appear in all copies/
    ]
  },
  {
    id: '0BSD',
    all: [
      /permission to use, copy, modify, (and\/or |and )?distribute this software for any purpose with or without fee is hereby granted/
    ]
  },
  {
    id: 'MIT',
    all: [
      /permission is hereby granted, free of charge, to any person obtaining a copy/,
      /the above copyright notice and this permission notice shall be included/
    ]
  },
  {
    id: 'MIT-0',
    all: [/permission is hereby granted, free of charge, to any person obtaining a copy/]
  },
  {
    id: 'BSD-3-Clause',
    all: [/redistribution and use in source and binary forms/, /neither the name/],
    none: [/all advertising materials/]
  },
  {
    id: 'BSD-4-Clause',
    all: [/redistribution and use in source and binary forms/, /all advertising materials/]
  },
  { id: 'BSD-2-Clause', all: [/redistribution and use in source and binary forms/] }
]

/**
 * The license family a text is, or null when it matches none of the signatures.
 * Whitespace, case and Markdown emphasis are ignored.
 */
export function recogniseLicenseText(text: string): string | null {
  const flat = text
    .toLowerCase()
    .replace(/[*_#>`]/g, ' ')
    .replace(/[‘’]/g, "'")
    .replace(/\s+/g, ' ')
  for (const signature of SIGNATURES) {
    if (!signature.all.every((re) => re.test(flat))) continue
    if (signature.none?.some((re) => re.test(flat))) continue
    return signature.id
  }
  return null
}
