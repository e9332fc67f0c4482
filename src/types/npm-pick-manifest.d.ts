// Minimal typings for npm-pick-manifest (no @types package exists). Only what we call.
declare module 'npm-pick-manifest' {
  interface PickOptions {
    defaultTag?: string
    before?: Date | string | number | null
    nodeVersion?: string
    npmVersion?: string | null
    includeStaged?: boolean
  }
  interface PickedManifest {
    name?: string
    version: string
    [key: string]: unknown
  }
  function pickManifest(packument: unknown, wanted: string, opts?: PickOptions): PickedManifest
  export default pickManifest
}
