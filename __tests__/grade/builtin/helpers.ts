/**
 * Test helpers for the built-in grader: hand-made tar archives (so tests can build entries that
 * `tar.create` would refuse: `..` paths, absolute paths, links pointing out, devices), in-memory
 * `PackageFiles`, and validated manifests/packuments.
 */
import { createGzip, gzipSync } from 'node:zlib'
import { Header, type ReadEntry } from 'tar'
import {
  PackumentSchema,
  type Packument,
  type VersionManifest,
  VersionManifestSchema
} from '../../../src/resolve/npm-registry.js'
import type { PackageFiles } from '../../../src/grade/builtin/package-files.js'
import type { PackageIdentity, ResolvedServer } from '../../../src/resolve/types.js'

type EntryTypeName = ReadEntry['type']

export interface TarEntrySpec {
  path: string
  type?: EntryTypeName
  content?: string | Buffer
  /** Target of a symbolic or hard link. */
  linkpath?: string
}

/** One tar header block (512 bytes) for `spec`. */
function headerBlock(spec: TarEntrySpec, size: number): Buffer {
  const header = new Header({
    path: spec.path,
    mode: spec.type === 'Directory' ? 0o755 : 0o644,
    uid: 0,
    gid: 0,
    size,
    mtime: new Date('2026-01-01T00:00:00Z'),
    type: spec.type ?? 'File',
    linkpath: spec.linkpath ?? '',
    uname: '',
    gname: ''
  })
  const block = Buffer.alloc(512)
  header.encode(block, 0)
  return block
}

/** An entry's content as bytes: UTF-8 for text, empty when absent. */
export function bytesOf(content: string | Buffer | undefined): Buffer {
  if (content === undefined) return Buffer.alloc(0)
  return Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8')
}

/** A tar archive (gzip-compressed unless `gzip: false`) holding `entries` in order. */
export function tarOf(entries: TarEntrySpec[], options: { gzip?: boolean } = {}): Buffer {
  const parts: Buffer[] = []
  for (const spec of entries) {
    const body = bytesOf(spec.content)
    parts.push(headerBlock(spec, body.length))
    if (body.length > 0) {
      parts.push(body, Buffer.alloc((512 - (body.length % 512)) % 512))
    }
  }
  parts.push(Buffer.alloc(1024))
  const tar = Buffer.concat(parts)
  return options.gzip === false ? tar : gzipSync(tar)
}

/**
 * A gzip-compressed tar with one file of `size` bytes of highly compressible (but not trivially
 * repetitive) content, generated in a stream so the test never holds the unpacked bytes.
 */
export async function gzipBombOf(path: string, size: number): Promise<Buffer> {
  const gzip = createGzip({ level: 1 })
  const out: Buffer[] = []
  gzip.on('data', (chunk: Buffer) => out.push(chunk))
  const done = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve)
    gzip.on('error', reject)
  })
  gzip.write(headerBlock({ path }, size))
  // ~1 MiB of text with a counter every 2 KiB: compresses a few hundred to one, so it stays
  // under tar's own 1000:1 ratio guard and only our unpacked-bytes cap can stop it
  const line = (i: number): string => `line ${i}: ${'x'.repeat(2048)}\n`
  const chunk = Buffer.from(Array.from({ length: 512 }, (_, i) => line(i)).join(''))
  let written = 0
  while (written < size) {
    const piece = chunk.subarray(0, Math.min(chunk.length, size - written))
    written += piece.length
    if (!gzip.write(piece)) await new Promise((r) => gzip.once('drain', r))
  }
  gzip.write(Buffer.alloc((512 - (size % 512)) % 512))
  gzip.end(Buffer.alloc(1024))
  await done
  return Buffer.concat(out)
}

/** `PackageFiles` for a package whose kept files are `files` (path → text). */
export function packageFilesOf(
  files: Record<string, string>,
  extra: Partial<PackageFiles> = {}
): PackageFiles {
  const map = new Map<string, Buffer>()
  for (const [path, text] of Object.entries(files)) map.set(path, Buffer.from(text, 'utf8'))
  return {
    files: map,
    entries: [...map].map(([path, data]) => ({ path, size: data.length, kept: true })),
    skipped: [],
    stopped: null,
    unpackedBytes: [...map.values()].reduce((n, b) => n + b.length, 0),
    ...extra
  }
}

/** A validated version manifest: `name`, `version` and `dist` defaulted. */
export function manifestOf(fields: Record<string, unknown> = {}): VersionManifest {
  return VersionManifestSchema.parse({
    name: 'example-mcp',
    version: '1.0.0',
    dist: { tarball: 'https://registry.test/example-mcp/-/example-mcp-1.0.0.tgz' },
    ...fields
  })
}

/** A validated packument. */
export function packumentOf(fields: Record<string, unknown>): Packument {
  return PackumentSchema.parse({ name: 'example-mcp', ...fields })
}

/** The rule ids of a list of findings. */
export function ids(findings: Array<{ ruleId: string }>): string[] {
  return findings.map((f) => f.ruleId)
}

/** A resolved server entry for `identity` (an npm package unless said otherwise). */
export function serverOf(
  identity: Partial<PackageIdentity> & { name: string | null },
  entryName = 'srv'
): ResolvedServer {
  const version = identity.version === undefined ? '1.0.0' : identity.version
  return {
    entry: {
      config: '.mcp.json',
      format: 'claude-code',
      name: entryName,
      location: { line: 3, column: 5 },
      launch: {
        command: 'npx',
        args: ['-y', `${identity.name ?? ''}@${version ?? ''}`],
        env: {},
        headers: {}
      },
      flags: { disabled: false, autoApprove: [], trust: false },
      fieldLocations: {},
      notes: []
    },
    package: {
      ecosystem: 'npm',
      versionSpec: version,
      version,
      pinned: version !== null,
      purl:
        version && identity.name ? `pkg:npm/${identity.name.replace('@', '%40')}@${version}` : null,
      launcher: 'npx',
      resolution: { status: version ? 'exact' : 'offline' },
      ...identity
    },
    argv: ['npx', '-y', `${identity.name ?? ''}@${version ?? ''}`],
    wrappers: [],
    notes: []
  }
}
