// npm run release -- --base-url URL [--dir DIR] [--out DIR] [--homepage URL]
// Writes the release files for the executables in DIR (default dist/: rolecall-<platform>-<arch>
// as npm run build:binary names them, one per machine, gathered by .github/workflows/release.yml),
// the manual page and the npm tarball when they are there:
//   OUT/SHA256SUMS     `sha256sum -c` format, for every file below
//   OUT/rolecall.rb    a Homebrew formula that installs the executable for the Mac or Linux machine
//   OUT/rolecall.json  a scoop manifest that installs the Windows executable
// and copies those files into OUT (default dist/release/). URL is where they will be downloaded
// from, e.g. https://github.com/OWNER/rolecall/releases/download/v1.2.3.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { 'base-url': { type: 'string' }, dir: { type: 'string' }, out: { type: 'string' }, homepage: { type: 'string' } } });
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const baseUrl = values['base-url']?.replace(/\/+$/, '');
if (!baseUrl || !/^https:\/\//.test(baseUrl)) {
  process.stderr.write('release: --base-url https://... is needed: where the files will be downloaded from\n');
  process.exit(2);
}
const homepage = values.homepage ?? baseUrl.replace(/\/releases\/download\/.*$/, '');
const dir = resolve(values.dir ?? 'dist');
const out = resolve(values.out ?? join('dist', 'release'));

const EXECUTABLE = /^rolecall-(darwin|linux|win32)-(x64|arm64)(\.exe)?$/;
const files = readdirSync(dir).filter((name) => EXECUTABLE.test(name) || name === 'rolecall.1' || name === `rolecall-${pkg.version}.tgz`).sort();
const binaries = files.filter((name) => EXECUTABLE.test(name));
if (binaries.length === 0) {
  process.stderr.write(`release: no executables (rolecall-<platform>-<arch>) in ${dir}: run npm run build:binary first\n`);
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const sha = {};
for (const name of files) {
  sha[name] = createHash('sha256').update(readFileSync(join(dir, name))).digest('hex');
  copyFileSync(join(dir, name), join(out, name));
}
const url = (name) => `${baseUrl}/${name}`;
const ruby = (text) => JSON.stringify(text);

/** a Homebrew url/sha256 pair for the executable of this platform and architecture, if it was built */
function brewBlock(platform, arch, indent) {
  const name = `rolecall-${platform}-${arch}`;
  return sha[name] ? [`${indent}url ${ruby(url(name))}`, `${indent}sha256 ${ruby(sha[name])}`] : undefined;
}
function brewOs(keyword, platform) {
  const lines = [];
  for (const [cpu, arch] of [['on_arm', 'arm64'], ['on_intel', 'x64']]) {
    const block = brewBlock(platform, arch, '      ');
    if (block) lines.push(`    ${cpu} do`, ...block, '    end');
  }
  return lines.length ? [`  ${keyword} do`, ...lines, '  end', ''] : [];
}

const formula = [
  '# Homebrew formula for rolecall, written by scripts/release.mjs.',
  'class Rolecall < Formula',
  `  desc ${ruby(pkg.description)}`,
  `  homepage ${ruby(homepage)}`,
  `  version ${ruby(pkg.version)}`,
  `  license ${ruby(pkg.license)}`,
  '',
  ...brewOs('on_macos', 'darwin'),
  ...brewOs('on_linux', 'linux'),
  ...(sha['rolecall.1'] ? ['  resource "manpage" do', `    url ${ruby(url('rolecall.1'))}`, `    sha256 ${ruby(sha['rolecall.1'])}`, '  end', ''] : []),
  '  def install',
  '    bin.install Dir["rolecall-*"].first => "rolecall"',
  '    chmod 0755, bin/"rolecall"',
  ...(sha['rolecall.1'] ? ['    resource("manpage").stage { man1.install "rolecall.1" }'] : []),
  '  end',
  '',
  '  test do',
  '    assert_match "rolecall #{version}", shell_output("#{bin}/rolecall --version")',
  '  end',
  'end',
  '',
].join('\n');
writeFileSync(join(out, 'rolecall.rb'), formula);

const architecture = {};
for (const [scoopArch, arch] of [['64bit', 'x64'], ['arm64', 'arm64']]) {
  const name = `rolecall-win32-${arch}.exe`;
  // "#/rolecall.exe": scoop saves the download under that name
  if (sha[name]) architecture[scoopArch] = { url: `${url(name)}#/rolecall.exe`, hash: sha[name] };
}
if (Object.keys(architecture).length) {
  const manifest = { version: pkg.version, description: pkg.description, homepage, license: pkg.license, architecture, bin: 'rolecall.exe' };
  writeFileSync(join(out, 'rolecall.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

// the checksums cover every file of the release, the two manifests included
const listed = readdirSync(out).sort();
const sums = listed.map((name) => `${createHash('sha256').update(readFileSync(join(out, name))).digest('hex')}  ${name}\n`).join('');
writeFileSync(join(out, 'SHA256SUMS'), sums);
process.stdout.write(`${out}: ${[...listed, 'SHA256SUMS'].join(', ')}\n`);
