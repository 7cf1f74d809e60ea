// Deterministic unit-length embedding vectors derived from a hash of the input, and their base64 wire form.
import { createHash } from 'node:crypto';

/**
 * The default dimensions of a model: 3072 for `text-embedding-3-large`, 1536 for every other name
 * (`text-embedding-3-small`, `text-embedding-ada-002` and anything else).
 */
export function defaultDimensions(model: string): number {
  return /3-large/.test(model) ? 3072 : 1536;
}

/**
 * A unit-length vector of float32 values (each exactly representable, so the base64 form decodes to the
 * same numbers) that depends only on `key` and `dimensions`: the same text always embeds the same.
 *
 * @example embeddingVector('hello', 3).length // 3
 */
export function embeddingVector(key: string, dimensions: number): number[] {
  const raw: number[] = [];
  for (let block = 0; raw.length < dimensions; block += 1) {
    const digest = createHash('sha256').update(`${block}\u0000${key}`).digest();
    for (let offset = 0; offset < digest.length && raw.length < dimensions; offset += 4) {
      raw.push(digest.readUInt32LE(offset) / 0x8000_0000 - 1);
    }
  }
  const norm = Math.sqrt(raw.reduce((sum, v) => sum + v * v, 0)) || 1;
  return raw.map((v) => Math.fround(v / norm));
}

/** Little-endian float32 bytes in base64: what OpenAI sends for `encoding_format: "base64"`. */
export function base64Vector(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes.toString('base64');
}
