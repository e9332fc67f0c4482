import { describe, expect, it, jest } from '@jest/globals'
import {
  reportArtifactName,
  uploadReport,
  type UploadArtifact
} from '../../src/github/report-artifact.js'
import { recordingLogger } from './stub-fetch.js'

const FILE = '/runner/_temp/mcp-grade-gate/report.json'
const RUN_URL = 'https://github.com/acme/app/actions/runs/4242'

describe('reportArtifactName', () => {
  it('is mcp-grade-gate-report for the default comment id, suffixed otherwise', () => {
    expect(reportArtifactName('default')).toBe('mcp-grade-gate-report')
    expect(reportArtifactName('production')).toBe('mcp-grade-gate-report-production')
    expect(reportArtifactName('staging')).not.toBe(reportArtifactName('production'))
  })
})

describe('uploadReport', () => {
  it('uploads the one file from its own directory and builds the artifact URL', async () => {
    const uploader = jest.fn<UploadArtifact>(async () => ({ id: 77 }))
    const logger = recordingLogger()
    const uploaded = await uploadReport(FILE, 'mcp-grade-gate-report', RUN_URL, logger, uploader)
    expect(uploaded).toEqual({
      name: 'mcp-grade-gate-report',
      url: 'https://github.com/acme/app/actions/runs/4242/artifacts/77'
    })
    expect(uploader).toHaveBeenCalledTimes(1)
    expect(uploader).toHaveBeenCalledWith(
      'mcp-grade-gate-report',
      [FILE],
      '/runner/_temp/mcp-grade-gate'
    )
    expect(logger.warnings).toEqual([])
    // recordingLogger keeps info lines with the debug ones.
    expect(logger.debugs).toContain(
      'JSON report uploaded as artifact mcp-grade-gate-report: https://github.com/acme/app/actions/runs/4242/artifacts/77'
    )
  })

  it('has no URL when the uploader returns no id', async () => {
    const uploader = jest.fn<UploadArtifact>(async () => ({}))
    const uploaded = await uploadReport(FILE, 'r', RUN_URL, recordingLogger(), uploader)
    expect(uploaded).toEqual({ name: 'r', url: null })
  })

  it('has no URL without a run URL', async () => {
    const uploader = jest.fn<UploadArtifact>(async () => ({ id: 5 }))
    const uploaded = await uploadReport(FILE, 'r', null, recordingLogger(), uploader)
    expect(uploaded).toEqual({ name: 'r', url: null })
  })

  it('an id of 0 is still an id', async () => {
    const uploader = jest.fn<UploadArtifact>(async () => ({ id: 0 }))
    const uploaded = await uploadReport(FILE, 'r', RUN_URL, recordingLogger(), uploader)
    expect(uploaded?.url).toBe(`${RUN_URL}/artifacts/0`)
  })

  it('a failed upload is one warning (first line) and null, never a throw', async () => {
    const uploader = jest.fn<UploadArtifact>(async () => {
      throw new Error(
        'Failed to CreateArtifact: an artifact with this name already exists\n  at stack'
      )
    })
    const logger = recordingLogger()
    const uploaded = await uploadReport(FILE, 'mcp-grade-gate-report', RUN_URL, logger, uploader)
    expect(uploaded).toBeNull()
    expect(logger.warnings).toEqual([
      'could not upload the JSON report as artifact mcp-grade-gate-report: Failed to CreateArtifact: an artifact with this name already exists'
    ])
  })

  it('a rejection with a non-Error value is a warning too', async () => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const uploader = jest.fn<UploadArtifact>(() => Promise.reject('GHES: artifacts v4 unsupported'))
    const logger = recordingLogger()
    expect(await uploadReport(FILE, 'r', RUN_URL, logger, uploader)).toBeNull()
    expect(logger.warnings).toEqual([
      'could not upload the JSON report as artifact r: GHES: artifacts v4 unsupported'
    ])
  })
})
