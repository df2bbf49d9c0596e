// scripts/release.mjs, as the release workflow runs it on the executables built on each system.
// Only the Linux executable can be built here, so the others are stand-in files of random bytes:
// what is checked is that every checksum, the Homebrew formula (evaluated by Ruby for each
// machine) and the scoop manifest name the right file with its right hash.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { runProcess } from '../helpers/cli';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RELEASE = join(ROOT, 'scripts', 'release.mjs');
const BASE = 'https://downloads.example.test/rolecall/releases/download/v1';
const EXECUTABLES = ['rolecall-darwin-arm64', 'rolecall-darwin-x64', 'rolecall-linux-x64', 'rolecall-linux-arm64', 'rolecall-win32-x64.exe'];
const RUBY = spawnSync('sh', ['-c', 'command -v ruby'], { encoding: 'utf8' }).stdout.trim();

let dir: string;
let out: string;
const sha: Record<string, string> = {};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rolecall-release-'));
  out = join(dir, 'out');
  for (const name of EXECUTABLES) writeFileSync(join(dir, name), randomBytes(4096));
  copyFileSync(join(ROOT, 'dist', 'rolecall.1'), join(dir, 'rolecall.1'));
  writeFileSync(join(dir, 'unrelated.txt'), 'not part of a release');
  for (const name of [...EXECUTABLES, 'rolecall.1']) sha[name] = createHash('sha256').update(readFileSync(join(dir, name))).digest('hex');
  const run = await runProcess(process.execPath, [RELEASE, '--base-url', `${BASE}/`, '--dir', dir, '--out', out], { env: process.env });
  assert.equal(run.code, 0, run.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('SHA256SUMS covers every release file and sha256sum -c accepts it', () => {
  assert.deepEqual(readdirSync(out).sort(), [...EXECUTABLES, 'SHA256SUMS', 'rolecall.1', 'rolecall.json', 'rolecall.rb'].sort());
  const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.equal(check.stdout.trim().split('\n').length, 8, check.stdout);
  assert.doesNotMatch(readFileSync(join(out, 'SHA256SUMS'), 'utf8'), /unrelated/);
});

test('the scoop manifest installs the Windows executable as rolecall.exe', () => {
  const manifest = JSON.parse(readFileSync(join(out, 'rolecall.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(manifest.architecture, { '64bit': { url: `${BASE}/rolecall-win32-x64.exe#/rolecall.exe`, hash: sha['rolecall-win32-x64.exe'] } });
  assert.equal(manifest.bin, 'rolecall.exe');
  assert.equal(manifest.license, 'MIT');
  assert.match(String(manifest.version), /^\d+\.\d+\.\d+/);
});

// Homebrew's DSL reduced to what the formula uses: on_macos/on_linux and on_arm/on_intel yield for
// the machine asked for; url, sha256, resource and install are recorded and printed as JSON.
const BREW_STUB = `
require "json"
OS_NAME, CPU = ARGV[1], ARGV[2]
class Resource
  attr_reader :fields
  def initialize; @fields = {}; end
  def url(u); @fields["url"] = u; end
  def sha256(s); @fields["sha256"] = s; end
end
FIELDS = { "resources" => {} }
class Formula
  class << self
    %w[desc homepage version license url sha256].each { |m| define_method(m) { |v| FIELDS[m] = v } }
    def on_macos; yield if OS_NAME == "macos"; end
    def on_linux; yield if OS_NAME == "linux"; end
    def on_arm; yield if CPU == "arm"; end
    def on_intel; yield if CPU == "intel"; end
    def resource(name, &block); r = Resource.new; r.instance_eval(&block); FIELDS["resources"][name] = r.fields; end
    def test(&block); FIELDS["has_test"] = true; end
  end
end
load ARGV[0]
puts JSON.generate(FIELDS.merge("installs" => Rolecall.instance_method(:install).source_location ? true : false))
`;

test('the Homebrew formula downloads the executable for each Mac and Linux machine, and the manual page', { skip: !RUBY && 'ruby is not installed (bash scripts/setup.sh installs it)' }, () => {
  const stub = join(dir, 'brew-stub.rb');
  writeFileSync(stub, BREW_STUB);
  const formula = join(out, 'rolecall.rb');
  const syntax = spawnSync(RUBY, ['-c', formula], { encoding: 'utf8' });
  assert.equal(syntax.status, 0, syntax.stderr);
  for (const [os, cpu, file] of [
    ['macos', 'arm', 'rolecall-darwin-arm64'],
    ['macos', 'intel', 'rolecall-darwin-x64'],
    ['linux', 'intel', 'rolecall-linux-x64'],
    ['linux', 'arm', 'rolecall-linux-arm64'],
  ] as const) {
    const run = spawnSync(RUBY, [stub, formula, os, cpu], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const fields = JSON.parse(run.stdout) as Record<string, unknown>;
    assert.equal(fields.url, `${BASE}/${file}`, `${os} ${cpu}`);
    assert.equal(fields.sha256, sha[file], `${os} ${cpu}`);
    assert.deepEqual(fields.resources, { manpage: { url: `${BASE}/rolecall.1`, sha256: sha['rolecall.1'] } });
    assert.equal(fields.homepage, 'https://downloads.example.test/rolecall');
    assert.equal(fields.installs, true);
    assert.equal(fields.has_test, true);
  }
  assert.match(readFileSync(formula, 'utf8'), /bin\.install Dir\["rolecall-\*"\]\.first => "rolecall"/);
});

test('release.mjs refuses to run without a download URL or without executables', async () => {
  const noUrl = await runProcess(process.execPath, [RELEASE, '--dir', dir, '--out', join(dir, 'x')], { env: process.env });
  assert.equal(noUrl.code, 2);
  assert.match(noUrl.stderr, /--base-url https:\/\/\.\.\. is needed/);
  const empty = mkdtempSync(join(tmpdir(), 'rolecall-release-empty-'));
  try {
    const none = await runProcess(process.execPath, [RELEASE, '--base-url', BASE, '--dir', empty, '--out', join(empty, 'out')], { env: process.env });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no executables \(rolecall-<platform>-<arch>\) in .*: run npm run build:binary first/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('the release workflow builds the executable on macOS (Apple silicon and Intel), Windows and Linux, and runs release.mjs', () => {
  const workflow = parse(readFileSync(join(ROOT, '.github', 'workflows', 'release.yml'), 'utf8')) as {
    jobs: Record<string, { 'runs-on': string; strategy?: { matrix: { include: { os: string; target: string }[] } }; steps: { run?: string; uses?: string }[]; needs?: string }>;
  };
  const build = workflow.jobs.build!;
  const targets = Object.fromEntries(build.strategy!.matrix.include.map((m) => [m.target, m.os]));
  assert.deepEqual(Object.keys(targets).sort(), ['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64', 'win32-x64']);
  assert.match(targets['darwin-x64']!, /^macos-13$/, 'an Intel Mac runner');
  assert.match(targets['win32-x64']!, /^windows-/);
  const runs = build.steps.map((s) => s.run ?? '').join('\n');
  assert.match(runs, /npm ci/);
  assert.match(runs, /npm run build:binary/);
  assert.match(runs, /"\$exe" --version/);
  const release = workflow.jobs.release!;
  assert.equal(release.needs, 'build');
  assert.match(release.steps.map((s) => s.run ?? '').join('\n'), /node scripts\/release\.mjs --base-url/);
});
