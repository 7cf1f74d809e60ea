// Fake-but-valid-looking samples for every DLP kind, built in code so no literal resembles a real secret.

import type { DlpKind } from '../../src/dlp/index.js';

const b64url = (value: string): string => Buffer.from(value).toString('base64url');

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A synthetic token body: `length` characters of `alphabet` walked with a fixed stride from `seed`. Deterministic,
 * mixed-case with digits like a random key, and never a real credential (nothing here is ever issued by anyone).
 */
export function synth(length: number, seed = 1, alphabet = ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[(seed * 11 + i * 7 + Math.floor(i / alphabet.length)) % alphabet.length];
  return out;
}

const HEX = '0123456789abcdef';
const B64 = ALNUM + '+/';

/** A synthetic AWS secret access key (40 base64 characters, both cases). */
export const AWS_SECRET = synth(40, 3, B64);
/** A synthetic Azure key in Microsoft's annotated 84-character format (signature at 52, service tag at 76). */
export const AZURE_ANNOTATED_KEY = synth(52, 5) + 'JQQJ9' + '9' + synth(18, 6) + 'ACOG' + synth(4, 7);

/** A base64 body of `lines` 64-character lines, deterministic. */
export function base64Lines(lines: number, last = 'AQAB'): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const out: string[] = [];
  for (let l = 0; l < lines; l++) {
    let line = '';
    for (let i = 0; i < 64; i++) line += alphabet[(l * 7 + i * 13) % 64];
    out.push(line);
  }
  out.push(last);
  return out;
}

export const pem = (label: string, lines = 6, eol = '\n'): string =>
  [`-----BEGIN ${label}-----`, ...base64Lines(lines), `-----END ${label}-----`].join(eol);

const JWT_PARTS = [
  b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })),
  b64url(JSON.stringify({ sub: '1234567890', name: 'Test User', iat: 1516239022 })),
  b64url('not-a-real-signature-just-32-byt'),
];

export const JWT = JWT_PARTS.join('.');

/** Positive samples per kind: each must be masked completely when its kind is on. */
export const POSITIVES: Record<DlpKind, readonly string[]> = {
  openai_key: [
    'sk-proj-' + 'A1b2'.repeat(12),
    'sk-' + 'Zx9Qw8Er7T'.repeat(4) + 'y6U5i4O3',
    'sk-svcacct-' + 'Mn3_Bv4-Cx5z'.repeat(6),
    'sk-admin-' + 'q1W2e3R4t5'.repeat(5),
  ],
  anthropic_key: ['sk-ant-api03-' + 'x9Y8_w7V6-'.repeat(9) + 'AA', 'sk-ant-' + 'a1B2c3D4'.repeat(4)],
  openrouter_key: ['sk-or-v1-' + synth(64, 1, HEX)],
  deepseek_key: ['sk-' + synth(32, 2, HEX)],
  groq_key: ['gsk_' + synth(52, 3)],
  xai_key: ['xai-' + synth(80, 4)],
  perplexity_key: ['pplx-' + synth(48, 5)],
  huggingface_token: ['hf_' + synth(34, 6, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'), 'api_org_' + synth(34, 7, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')],
  aws_access_key: ['AKIA' + 'Z3X5C7V9B2N4M6L8', 'ASIA' + 'QWERTY234567ABCD'],
  aws_secret_key: [AWS_SECRET, synth(40, 9, B64)],
  github_token: [
    'ghp_' + 'a1B2c3D4e5'.repeat(3) + 'F6g7H8',
    'gho_' + 'Z9y8X7w6V5'.repeat(3) + 'u4T3s2',
    'ghs_' + '0aB1cD2eF3'.repeat(3) + 'gH4iJ5',
    'github_pat_' + '11ABCDEFG0' + '_' + 'a1B2c3D4e5'.repeat(5) + 'f6G7h8I9j',
    'ghs_' + '1234567' + '_' + JWT_PARTS.join('.'),
  ],
  gitlab_token: [
    'glpat-' + synth(20, 1, ALNUM + '_-'),
    'glpat-' + synth(27, 2) + '.' + synth(9, 3, '0123456789abcdefghijklmnopqrstuvwxyz'),
    'gldt-' + synth(20, 4),
    'glrt-' + synth(20, 5),
    'glptt-' + synth(40, 6, HEX),
    'glcbt-' + synth(5, 7) + '_' + synth(20, 8),
    'GR1348941' + synth(20, 9),
  ],
  slack_token: [
    'xoxb-' + '739164528301-8204719365026-' + 'AbCdEfGhIjKlMnOpQrStUvWx',
    'xoxp-' + '5829301746-9043718265-3719402856-' + 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
    'https://hooks.slack.com/services/' + 'T0A1B2C3D/B4E5F6G7H/' + 'XyZ1'.repeat(6),
    'xapp-' + '1-A0J4K7M2P9Q-5820194736152-' + synth(64, 2, HEX),
    'xoxe.xoxp-' + '1-' + synth(163, 3),
    'xoxo-' + '523423-234243-234233-' + synth(18, 4, HEX),
  ],
  stripe_key: ['sk_' + 'live_' + 'Z9y8X7w6V5u4T3s2R1q0P9o8', 'rk_' + 'test_' + 'a1B2c3D4e5F6g7H8i9J0k1L2', 'rk_' + 'prod_' + synth(40, 61)],
  google_api_key: ['AIza' + 'Sy' + 'A1b2C3d4E5'.repeat(3) + 'f6G'],
  azure_key: [synth(3, 1) + '8Q~' + synth(34, 2, ALNUM + '_~.-').replace(/[.-]$/, 'x'), AZURE_ANNOTATED_KEY],
  npm_token: ['npm_' + synth(36, 3)],
  gcp_service_account: [synth(40, 4, HEX)],
  private_key: [
    pem('RSA PRIVATE KEY'),
    pem('PRIVATE KEY', 4, '\r\n'),
    pem('OPENSSH PRIVATE KEY', 3, '\\n'),
    pem('EC PRIVATE KEY', 2, ' '),
    ['-----BEGIN ENCRYPTED PRIVATE KEY-----', 'Proc-Type: 4,ENCRYPTED', 'DEK-Info: AES-128-CBC,0A1B2C3D', '', ...base64Lines(3), '-----END ENCRYPTED PRIVATE KEY-----'].join('\n'),
    pem('PGP PRIVATE KEY BLOCK', 3),
    pem('RSA PRIVATE KEY', 3).replace('-----\n', '-----  \n').replace(/\n(?=[A-Za-z0-9])/g, '\n    '),
  ],
  jwt: [JWT, JWT_PARTS[0] + '.' + b64url(JSON.stringify({ sub: 'unsigned-user' })) + '.'],
  url_credentials: [synth(16, 5), 'p%40ss' + synth(10, 6), synth(12, 7) + '!x'],
  basic_auth: [Buffer.from('admin:' + synth(14, 8)).toString('base64'), Buffer.from('svc-user:' + synth(20, 9)).toString('base64')],
  bearer_token: ['tok_' + 'a1B2'.repeat(8), 'AbC.' + 'd3F-g4H_i5J~k6L+m7N/o8P'.repeat(2) + '=='],
  generic_secret: ['hunter2' + synth(6, 1), synth(24, 2), 'Tr0ub4dor&3-' + synth(5, 3), synth(8, 4, HEX) + '-' + synth(4, 5, HEX) + '-' + synth(4, 6, HEX)],
  credit_card: [
    '4111 1111 1111 1111',
    '4111-1111-1111-1111',
    '5555555555554444',
    '378282246310005',
    '3782 822463 10005',
    '6011111111111117',
    '2223003122003222',
    '3566002020360505',
    '6200000000000005',
    '36227206271667',
  ],
  email: ['jane.doe+test@example.co.uk', 'ops_team@sub.example.com', 'X@EXAMPLE.ORG'],
  phone: [
    '(555) 123-4567',
    '(555)123-4567',
    '555-123-4567',
    '555.123.4567',
    '1-800-555-0199',
    '+1 555 123 4567',
    '+1-555-123-4567',
    '+44 20 7946 0958',
    '+33 1 23 45 67 89',
    '+4915123456789',
    '+44 (0)20 7946 0958',
  ],
  us_ssn: ['219-09-9999', '123-45-6789', '078-05-1120'],
  iban: [
    'GB82 WEST 1234 5698 7654 32',
    'GB82WEST12345698765432',
    'DE89370400440532013000',
    'DE89 3704 0044 0532 0130 00',
    'FR1420041010050500013M02606',
    'NO9386011117947',
    'MT84 MALT 0110 0001 2345 MTLC AST0 01S',
    'LC55 HEMM 0001 0001 0012 0012 0002 3015',
  ],
};

/** Texts that must come back untouched with every kind switched on. */
export const NEAR_MISSES: readonly string[] = [
  // cards that aren't
  '4111 1111 1111 1112',
  '4111111111111112',
  '1234567812345678',
  '12345678901234567890',
  '4111111111111111111111',
  'total 3.4111111111111111',
  'id 4111111111111111abc',
  'amount 4111111111111111.50',
  'pair 4111111111111111,5',
  '1700000000000',
  // identifiers
  '550e8400-e29b-41d4-a716-446655440000',
  'da39a3ee5e6b4b0d3255bfef95601890afd80709',
  'commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904',
  // money, dates, versions, numbers
  '$1,234.56',
  '€ 1.234,56',
  'USD 12,345,678.90',
  '2024-01-15',
  '12/31/2024',
  '15.01.2024',
  '2024-01-15T10:30:00Z',
  '1.2.3',
  'v10.15.7',
  'node 20.18.1',
  '192.168.100.200',
  '10.0.0.1',
  'Order #100234',
  'ORD-2024-000123',
  'invoice 20240115-0042',
  'ISBN 978-3-16-148410-0',
  'score +42 points',
  'call 555-1234',
  '1234567890',
  'pi is 3.14159265358979',
  // words that look like prefixes
  'task-management',
  'risk-free',
  'a desk-side sk- note',
  'sk-',
  'sk-learn',
  'sk-this-is-a-very-long-hyphenated-phrase',
  'AKIA',
  'AKIA1234',
  'ghost_writer',
  'gh_pages',
  'xoxo',
  'xoxo-gossip-girl-forever-and-ever',
  'AIza',
  'AIza' + 'Sy' + 'A1b2C3d4E5'.repeat(3) + 'f6Gh',
  'AKIA' + 'Z3X5C7V9B2N4M6L8X',
  'eyJ',
  'eyJhbGciOiJIUzI1NiJ9',
  'the bearer of this letter',
  'Bearer token',
  'Bearer YOUR_API_KEY_GOES_HERE_NOW',
  'sk_live_',
  'pk_live_' + 'a1B2c3D4e5F6g7H8i9J0k1L2',
  // e-mail look-alikes
  '@param',
  'user@localhost',
  'a@b',
  '@types/node',
  // SSN / IBAN look-alikes
  '000-12-3456',
  '666-12-3456',
  '900-12-3456',
  '123-00-4567',
  '123-45-0000',
  '123-45-6789-0',
  'part 555-123-4567-89',
  'GB83 WEST 1234 5698 7654 32',
  'DE89370400440532013001',
  'XX89370400440532013000',
  'DE8937040044053201300',
  // key blocks that aren't private keys, or are placeholders
  pem('PUBLIC KEY'),
  pem('CERTIFICATE'),
  '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----',
  'a file starting with -----BEGIN RSA PRIVATE KEY----- is a key',
];
