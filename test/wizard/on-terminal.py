# Runs a command on a real pseudo-terminal (no node-pty here): bytes on our stdin go to the terminal, the
# terminal's output comes out on our stdout, and we exit with the command's exit code (128+n for signal n).
import fcntl, os, pty, select, struct, sys, termios

pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 50, 160, 0, 0))
stdin_open = True
while True:
    readable = [fd] + ([0] if stdin_open else [])
    try:
        ready, _, _ = select.select(readable, [], [], 0.1)
    except InterruptedError:
        continue
    if fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b''
        if not data:
            break
        os.write(1, data)
    if 0 in ready:
        data = os.read(0, 65536)
        if data:
            os.write(fd, data)
        else:
            stdin_open = False
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
