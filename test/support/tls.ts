/**
 * Test PKI, generated during the test run with the `openssl` CLI (nothing committed):
 *
 *   ca.pem            a throwaway CA ("electrum-verify test CA"): give it to the code under test with
 *                     NODE_EXTRA_CA_CERTS=<caCertPath> (child processes) or a dispatcher's `ca` (in-process)
 *   official          leaf signed by that CA for download.electrum.org, electrum.org, www.electrum.org,
 *                     mirror.example.test (and localhost) — what the fake server presents normally
 *   wrongName         leaf signed by that CA for wrong.example.test only — serve it where download.electrum.org
 *                     is asked for, to test the name check
 *   untrusted         leaf for download.electrum.org signed by a second CA that nobody trusts
 *   expired           leaf for download.electrum.org signed by the trusted CA, valid only on 2020-01-01
 *                     (made with `openssl ca -startdate/-enddate`: `x509 -req` cannot backdate in OpenSSL 3.0)
 *
 * EC P-256 keys, valid for two days. Everything lives in one temp directory that is removed when the process
 * exits. `getTestPki()` generates once per process and returns the same object afterwards.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';

const run = promisify(execFile);

/** Names on the 'official' leaf. `localhost` is there for direct (NO_PROXY) tests only. */
export const OFFICIAL_TEST_NAMES = [
  'download.electrum.org',
  'electrum.org',
  'www.electrum.org',
  'mirror.example.test',
  'localhost',
];
export const WRONG_TEST_NAME = 'wrong.example.test';

export interface KeyPair {
  /** PEM private key */
  key: string;
  /** PEM certificate */
  cert: string;
  keyPath: string;
  certPath: string;
}

export interface TestPki {
  dir: string;
  /** Path of the test CA certificate (PEM): the value for NODE_EXTRA_CA_CERTS. */
  caCertPath: string;
  caPem: string;
  official: KeyPair;
  wrongName: KeyPair;
  untrusted: KeyPair;
  expired: KeyPair;
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: 30_000 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed: ${err.stderr ?? err.message}`, { cause: e });
  }
}

async function makeCa(dir: string, name: string): Promise<{ keyPath: string; certPath: string }> {
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.pem`);
  await openssl([
    'req',
    '-x509',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-days',
    '2',
    '-subj',
    `/CN=electrum-verify ${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { keyPath, certPath };
}

/**
 * A leaf for `dnsNames` signed by `ca`: valid for two days from now, or, with `validity` (UTC, YYYYMMDDHHMMSSZ),
 * exactly then. Fixed dates need `openssl ca` and its small database: `x509 -req` cannot backdate in OpenSSL 3.0.
 */
async function makeLeaf(
  dir: string,
  name: string,
  dnsNames: string[],
  ca: { keyPath: string; certPath: string },
  validity?: { start: string; end: string },
): Promise<KeyPair> {
  const keyPath = join(dir, `${name}.key`);
  const csrPath = join(dir, `${name}.csr`);
  const certPath = join(dir, `${name}.pem`);
  const extPath = join(dir, `${name}.ext`);
  writeFileSync(
    extPath,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${dnsNames.map((n) => `DNS:${n}`).join(',')}`,
      '',
    ].join('\n'),
  );
  await openssl([
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    csrPath,
    '-subj',
    `/CN=${dnsNames[0]}`,
  ]);
  const serial = randomBytes(8).toString('hex');
  if (validity === undefined) {
    await openssl([
      'x509',
      '-req',
      '-in',
      csrPath,
      '-CA',
      ca.certPath,
      '-CAkey',
      ca.keyPath,
      '-set_serial',
      `0x${serial}`,
      '-days',
      '2',
      '-extfile',
      extPath,
      '-out',
      certPath,
    ]);
  } else {
    const db = join(dir, `${name}-ca-db`);
    mkdirSync(db);
    writeFileSync(join(db, 'index.txt'), '');
    writeFileSync(join(db, 'serial'), `${serial}\n`);
    const cnf = join(db, 'ca.cnf');
    writeFileSync(
      cnf,
      [
        '[ca]',
        'default_ca = test',
        '[test]',
        `dir = ${db}`,
        `database = ${join(db, 'index.txt')}`,
        `new_certs_dir = ${db}`,
        `serial = ${join(db, 'serial')}`,
        'default_md = sha256',
        'policy = any',
        'unique_subject = no',
        '[any]',
        'commonName = supplied',
        '',
      ].join('\n'),
    );
    await openssl([
      'ca',
      '-batch',
      '-config',
      cnf,
      '-cert',
      ca.certPath,
      '-keyfile',
      ca.keyPath,
      '-in',
      csrPath,
      '-out',
      certPath,
      '-startdate',
      validity.start,
      '-enddate',
      validity.end,
      '-extfile',
      extPath,
      '-notext',
    ]);
  }
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), keyPath, certPath };
}

/** Generate a fresh PKI in a new temp directory (removed at process exit). */
export async function createTestPki(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'ev-pki-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const ca = await makeCa(dir, 'test-ca');
  const rogueCa = await makeCa(dir, 'rogue-ca');
  const [official, wrongName, untrusted, expired] = await Promise.all([
    makeLeaf(dir, 'official', OFFICIAL_TEST_NAMES, ca),
    makeLeaf(dir, 'wrong-name', [WRONG_TEST_NAME], ca),
    makeLeaf(dir, 'untrusted', ['download.electrum.org'], rogueCa),
    makeLeaf(dir, 'expired', ['download.electrum.org'], ca, { start: '20200101000000Z', end: '20200102000000Z' }),
  ]);
  return {
    dir,
    caCertPath: ca.certPath,
    caPem: readFileSync(ca.certPath, 'utf8'),
    official,
    wrongName,
    untrusted,
    expired,
  };
}

let shared: Promise<TestPki> | undefined;

/** The per-process PKI (generated on first use). */
export function getTestPki(): Promise<TestPki> {
  shared ??= createTestPki();
  return shared;
}
