// How rolecall reads an ssh command line (where the remote command starts, as ssh(1) decides), what
// it runs for each --via, and which addresses a container server may listen on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSshArgs } from '../../src/app/ssh-args';
import { STDIN_WRAPPER, sshInvocation } from '../../src/app/ssh';
import { listenAddress } from '../../src/server/address';

test('the remote command starts at the first word after the destination that is not an option', () => {
  const cases: [string[], string | undefined, string[]][] = [
    [['host'], 'host', []],
    [['host', 'ls', '-la'], 'host', ['ls', '-la']],
    [['-p', '2222', 'ops@host', 'uptime'], 'ops@host', ['uptime']],
    [['-p2222', '-tt', 'host'], 'host', []],
    [['host', '-p', '2222', 'ls', '-l'], 'host', ['ls', '-l']],
    [['-vNi', 'key', 'host'], 'host', []],
    [['-o', 'SendEnv=X', '-J', 'jump', 'host', '--', '-weird-command'], 'host', ['-weird-command']],
    [['--', 'host', '-v'], 'host', ['-v']],
    [['-l', 'ops'], undefined, []],
  ];
  for (const [args, destination, command] of cases) {
    const line = parseSshArgs(args);
    assert.equal(line.destination, destination, args.join(' '));
    assert.deepEqual(line.command, command, args.join(' '));
    assert.deepEqual([...line.head, ...line.command], args, 'nothing is lost or reordered');
  }
  assert.equal(parseSshArgs(['-tt', 'host']).flags.get('t'), 2);
  assert.equal(parseSshArgs(['-fN', 'host']).flags.has('f'), true);
  assert.equal(parseSshArgs(['-i', '-f', 'host']).flags.has('f'), false, '-f here is the value of -i');
});

const remoteEnv = { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:20001/role-credentials/abc', AWS_CONTAINER_AUTHORIZATION_TOKEN: 'tok' };

test('--via env: the forward and SendEnv for each variable, before the user\'s arguments; no value on the command line', () => {
  const plan = sshInvocation({ line: parseSshArgs(['-p', '22', 'host', 'aws', 's3', 'ls']), via: 'env', localPort: 40000, remotePort: 20001, remoteEnv });
  assert.deepEqual(plan.args, [
    '-o', 'ExitOnForwardFailure=yes', '-R', '127.0.0.1:20001:127.0.0.1:40000',
    '-o', 'SendEnv=AWS_CONTAINER_CREDENTIALS_FULL_URI', '-o', 'SendEnv=AWS_CONTAINER_AUTHORIZATION_TOKEN',
    '-p', '22', 'host', 'aws', 's3', 'ls',
  ]);
  assert.deepEqual(plan.env, remoteEnv);
  assert.equal(plan.stdinPrefix, undefined);
  assert.ok(!plan.args.join(' ').includes('tok'));
});

test('--via stdin: the wrapper as the remote command; the variables, an empty line and the command on stdin', () => {
  const plan = sshInvocation({ line: parseSshArgs(['host', 'aws', 's3', 'ls']), via: 'stdin', localPort: 40000, remotePort: 20001, remoteEnv });
  assert.deepEqual(plan.args, ['-o', 'ExitOnForwardFailure=yes', '-R', '127.0.0.1:20001:127.0.0.1:40000', 'host', STDIN_WRAPPER]);
  assert.deepEqual(plan.env, {});
  assert.equal(plan.stdinPrefix, `AWS_CONTAINER_CREDENTIALS_FULL_URI=${remoteEnv.AWS_CONTAINER_CREDENTIALS_FULL_URI}\nAWS_CONTAINER_AUTHORIZATION_TOKEN=tok\n\naws s3 ls\n`);
  assert.doesNotMatch(STDIN_WRAPPER.slice("sh -c '".length, -1), /['\\!]/, 'no quote, backslash or ! inside: every login shell passes it through as it is');
});

test('a container server listens on one IP address of this machine, never a wildcard', () => {
  assert.deepEqual(listenAddress('169.254.170.2', '--server-address'), { host: '169.254.170.2', urlHost: '169.254.170.2', loopback: false });
  assert.deepEqual(listenAddress('fd00:ec2::23', '--server-address'), { host: 'fd00:ec2::23', urlHost: '[fd00:ec2::23]', loopback: false });
  assert.deepEqual(listenAddress('[::1]', '--server-address'), { host: '::1', urlHost: '[::1]', loopback: true });
  assert.equal(listenAddress('127.0.0.2', '--server-address').loopback, true);
  for (const wildcard of ['0.0.0.0', '::', '0:0:0:0:0:0:0:0', '::ffff:0.0.0.0']) {
    assert.throws(() => listenAddress(wildcard, '--server-address'), /would listen on every network/, wildcard);
  }
  for (const multicast of ['224.0.0.1', '255.255.255.255', 'ff02::1']) {
    assert.throws(() => listenAddress(multicast, '--server-address'), /multicast or broadcast/, multicast);
  }
  for (const name of ['localhost', 'host.docker.internal', '169.254.170.2:80', '']) {
    assert.throws(() => listenAddress(name, '--server-address'), /takes an IP address of this machine/, name);
  }
});
