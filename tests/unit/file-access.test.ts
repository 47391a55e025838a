import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readRegularFile, unwritableFolder } from '../../src/core/file-access.js'
import { tempDir } from '../helpers/cli.js'

describe('readRegularFile', () => {
  it('reads a regular file whole', async () => {
    const file = join(tempDir(), 'a.yaml')
    writeFileSync(file, 'id: x\n')
    const r = await readRegularFile(file, 100)
    expect(r.ok && r.bytes.toString('utf8')).toBe('id: x\n')
  })

  it('says why it did not read: missing, a folder, a device, over the cap', async () => {
    const dir = tempDir()
    expect(await readRegularFile(join(dir, 'none'), 100)).toEqual({ ok: false, failure: { kind: 'missing' } })
    expect(await readRegularFile(dir, 100)).toEqual({ ok: false, failure: { kind: 'not-regular', what: 'a folder' } })
    expect(await readRegularFile('/dev/zero', 100)).toEqual({ ok: false, failure: { kind: 'not-regular', what: 'a character device' } })
    const big = join(dir, 'big.yaml')
    writeFileSync(big, 'x'.repeat(101))
    expect(await readRegularFile(big, 100)).toEqual({ ok: false, failure: { kind: 'too-large', size: 101 } })
  })

  it.skipIf(!existsSync('/proc/self/status'))('stops at the cap even when stat says the file is empty (/proc)', async () => {
    const r = await readRegularFile('/proc/self/status', 100)
    expect(r.ok).toBe(false)
    expect(!r.ok && r.failure.kind).toBe('too-large')
  })
})

describe('unwritableFolder', () => {
  it('creates nothing and names the code', async () => {
    const dir = tempDir()
    expect(await unwritableFolder(join(dir, 'a', 'b'))).toBeUndefined()
    expect(existsSync(join(dir, 'a'))).toBe(false)
    writeFileSync(join(dir, 'file.txt'), '')
    expect(await unwritableFolder(join(dir, 'file.txt', 'home', 'cache'))).toBe('ENOTDIR')
    mkdirSync(join(dir, 'ok'))
    expect(await unwritableFolder(join(dir, 'ok'))).toBeUndefined()
  })
})
