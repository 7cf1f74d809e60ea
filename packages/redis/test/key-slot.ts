// Redis Cluster's key slot (CRC16/XMODEM of the hash tag or the whole key, mod 16384), for the key layout test.

const TABLE = Array.from({ length: 256 }, (_, i) => {
  let crc = i << 8;
  for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  return crc;
});

/** CRC16/XMODEM, the checksum Redis Cluster uses. */
export function crc16(data: Buffer): number {
  let crc = 0;
  for (const byte of data) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc;
}

/**
 * The slot of a key, as the Cluster spec defines it: only the part between the first `{` and the first `}`
 * after it is hashed, if that part is not empty.
 *
 * @example
 * keySlot('{user1000}.following') === keySlot('{user1000}.followers'); // true
 */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) key = key.slice(open + 1, close);
  }
  return crc16(Buffer.from(key, 'utf8')) % 16384;
}
