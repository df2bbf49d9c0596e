# Runs a command on a pseudo-terminal and answers its prompts, the way a user types at
# /dev/tty: `python3 oidc-pty.py CMD ARGS...`. The answers come from the environment (never
# argv): PTY_ANSWERS is a list of "prompt-regex=>ENV_NAME" lines; when the terminal output
# matches the regex, the value of $ENV_NAME and Enter are typed; each rule looks only at what came
# after the previous rule's prompt, so one prompt asked twice takes two answers. Prints everything
# the terminal showed, exits with the command's status. With PTY_LOG set, what the terminal shows is also
# appended to that file as it comes, for a test that must read the screen while the command runs.
# With PTY_STDOUT set, the command's stdout goes to that file instead of the terminal, as when a
# program reads its output (credential_process, $(...)) while the user is at the terminal.
# With PTY_SIZE set ("ROWSxCOLS", e.g. 0x0), the terminal reports that size. With PTY_UNTIL set (a
# regex), the command is ended (SIGKILL) half a second after the terminal has shown it.
import fcntl, os, pty, re, select, signal, struct, sys, termios, time

rules = [line.split('=>', 1) for line in os.environ.get('PTY_ANSWERS', '').splitlines() if '=>' in line]
pid, fd = pty.fork()
if pid == 0:
    if os.environ.get('PTY_STDOUT'):
        os.dup2(os.open(os.environ['PTY_STDOUT'], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 1)
    os.execvp(sys.argv[1], sys.argv[1:])
if os.environ.get('PTY_SIZE'):
    rows, cols = (int(n) for n in os.environ['PTY_SIZE'].split('x'))
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
until = os.environ.get('PTY_UNTIL')
seen, pending, deadline, start, shown = b'', list(rules), time.time() + 60, 0, False
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.1)
    if ready:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if os.environ.get('PTY_LOG'):
            with open(os.environ['PTY_LOG'], 'ab') as log:
                log.write(chunk)
    match = pending and re.search(pending[0][0].encode(), seen[start:])
    if match:
        pattern, name = pending.pop(0)
        start += match.end()
        seen += b'\n[typed ' + name.encode() + b']\n'
        time.sleep(0.2)  # the prompt switches the terminal to raw mode right after printing
        os.write(fd, os.environ[name].encode() + b'\r')
    if until and not shown and re.search(until.encode(), seen):
        shown, deadline = True, time.time() + 0.5
if shown:
    os.kill(pid, signal.SIGKILL)
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode('utf-8', 'replace'))
sys.exit(os.waitstatus_to_exitcode(status))
