// The few WASI (wasi_snapshot_preview1) calls the tinyq command needs, and files on top of
// them: paths resolved against the directories the runtime preopened (--dir), whole files read
// straight into engine memory, files written from it. Only calls that wasmtime, WAMR's iwasm
// and wasm3's own WASI all provide, except path_create_directory (wasm3 lacks it), which is
// called only when an output directory does not exist yet.

// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "args_sizes_get")
declare function args_sizes_get(argc: usize, argvBufSize: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "args_get")
declare function args_get(argv: usize, argvBuf: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_prestat_get")
declare function fd_prestat_get(fd: u32, prestat: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_prestat_dir_name")
declare function fd_prestat_dir_name(fd: u32, path: usize, pathLength: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "path_open")
declare function path_open(dirFd: u32, dirFlags: u32, path: usize, pathLength: usize, openFlags: u32,
  rightsBase: u64, rightsInheriting: u64, fdFlags: u32, fd: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "path_create_directory")
declare function path_create_directory(dirFd: u32, path: usize, pathLength: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_seek")
declare function fd_seek(fd: u32, offset: i64, whence: u32, newOffset: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_read")
declare function fd_read(fd: u32, iovs: usize, iovsLength: usize, read: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_write")
declare function fd_write(fd: u32, iovs: usize, iovsLength: usize, written: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_close")
declare function fd_close(fd: u32): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "proc_exit")
declare function proc_exit(code: u32): void;

const STDOUT: u32 = 1;
const STDERR: u32 = 2;
const FIRST_PREOPEN: u32 = 3;
const PREOPEN_DIRECTORY: u8 = 0;
const LOOKUP_SYMLINK_FOLLOW: u32 = 1;
const OPEN_CREATE: u32 = 1;
const OPEN_DIRECTORY: u32 = 2;
const OPEN_TRUNCATE: u32 = 8;
const RIGHT_READ: u64 = 1 << 1;
const RIGHT_SEEK: u64 = 1 << 2;
const RIGHT_TELL: u64 = 1 << 5;
const RIGHT_WRITE: u64 = 1 << 6;
const WHENCE_SET: u32 = 0;
const WHENCE_END: u32 = 2;
const ERRNO_EXIST: u16 = 20;

/** Scratch for the results WASI calls write (an fd, a size, an iovec): one call at a time. */
const scratch: usize = memory.data(16, 8);

/** A WASI call that failed: what was being done and the errno, named as POSIX names it. */
export let lastFailure: string = "";

function failed(errno: u16, action: string, path: string): bool {
  lastFailure = "cannot " + action + " " + path + ": " + errnoName(errno);
  return false;
}

function errnoName(errno: u16): string {
  switch (errno) {
    case 2: return "EACCES";
    case 8: return "EBADF";
    case 20: return "EEXIST";
    case 28: return "EINVAL";
    case 29: return "EIO";
    case 31: return "EISDIR";
    case 44: return "ENOENT";
    case 51: return "ENOSPC";
    case 52: return "ENOSYS";
    case 54: return "ENOTDIR";
    case 63: return "EPERM";
    case 69: return "EROFS";
    case 76: return "ENOTCAPABLE (the runtime was not given this directory: --dir)";
    default: return "WASI errno " + errno.toString();
  }
}

export function exit(code: u32): void {
  proc_exit(code);
}

function writeAll(fd: u32, pointer: usize, length: usize): u16 {
  while (length > 0) {
    store<u32>(scratch, <u32>pointer);
    store<u32>(scratch + 4, <u32>length);
    const errno = fd_write(fd, scratch, 1, scratch + 8);
    if (errno != 0) return errno;
    const written = <usize>load<u32>(scratch + 8);
    pointer += written;
    length -= written;
  }
  return 0;
}

function printTo(fd: u32, text: string): void {
  const bytes = String.UTF8.encode(text + "\n");
  writeAll(fd, changetype<usize>(bytes), <usize>bytes.byteLength);
}

export function print(text: string): void {
  printTo(STDOUT, text);
}

export function printError(text: string): void {
  printTo(STDERR, text);
}

/** The command line, program name first. */
export function commandLine(): string[] {
  const args = new Array<string>();
  if (args_sizes_get(scratch, scratch + 4) != 0) return args;
  const count = load<u32>(scratch);
  const pointers = heap.alloc(<usize>count * 4);
  const text = heap.alloc(<usize>load<u32>(scratch + 4));
  if (args_get(pointers, text) != 0) return args;
  for (let i: u32 = 0; i < count; i++) {
    const start = load<u32>(pointers + 4 * i);
    let end = start;
    while (load<u8>(end) != 0) end++;
    args.push(String.UTF8.decodeUnsafe(start, end - start));
  }
  return args;
}

class Preopen {
  constructor(public fd: u32, public name: string) {}
}

const preopens = new Array<Preopen>();

/** Learns the directories the runtime preopened: fds from 3 on, until one is not preopened. */
export function findPreopens(): void {
  for (let fd = FIRST_PREOPEN; fd_prestat_get(fd, scratch) == 0; fd++) {
    if (load<u8>(scratch) != PREOPEN_DIRECTORY) continue;
    const length = <usize>load<u32>(scratch + 4);
    const name = heap.alloc(length);
    if (fd_prestat_dir_name(fd, name, length) != 0) continue;
    // Some runtimes count a trailing NUL in the length.
    let end = name + length;
    while (end > name && load<u8>(end - 1) == 0) end--;
    preopens.push(new Preopen(fd, normalize(String.UTF8.decodeUnsafe(name, end - name))));
  }
}

/** "." for the current directory, no "./" in front, no "/" at the end (except for "/"). */
function normalize(path: string): string {
  let result = path;
  while (result.startsWith("./")) result = result.substring(2);
  while (result.length > 1 && result.endsWith("/")) result = result.substring(0, result.length - 1);
  return result.length == 0 || result == "." ? "." : result;
}

/** A path as a preopened directory and a path relative to it. */
class Located {
  constructor(public dirFd: u32, public relative: ArrayBuffer) {}
}

/** The preopen with the longest name that holds `path`, or null (lastFailure says why). */
function locate(path: string, action: string): Located | null {
  const wanted = normalize(path);
  const absolute = wanted.startsWith("/");
  let best: Preopen | null = null;
  let rest = "";
  for (let i = 0; i < preopens.length; i++) {
    const preopen = preopens[i];
    const name = preopen.name;
    if (name.startsWith("/") != absolute && name != ".") continue;
    let remainder: string;
    if (name == "." && !absolute) remainder = wanted;
    else if (name == "/" && absolute) remainder = wanted.substring(1);
    else if (wanted == name) remainder = ".";
    else if (wanted.startsWith(name + "/")) remainder = wanted.substring(name.length + 1);
    else continue;
    if (best == null || name.length > best.name.length) {
      best = preopen;
      rest = remainder;
    }
  }
  if (best == null) {
    lastFailure = "cannot " + action + " " + path + ": no directory the runtime preopened holds it (give it with --dir)";
    return null;
  }
  return new Located(best.fd, String.UTF8.encode(rest.length == 0 ? "." : rest));
}

function open(path: string, action: string, openFlags: u32, rights: u64): i32 {
  const located = locate(path, action);
  if (located == null) return -1;
  const relative = located.relative;
  const errno = path_open(located.dirFd, LOOKUP_SYMLINK_FOLLOW, changetype<usize>(relative), <usize>relative.byteLength,
    openFlags, rights, 0, 0, scratch);
  if (errno != 0) {
    failed(errno, action, path);
    return -1;
  }
  return <i32>load<u32>(scratch);
}

/** An open file to read: its size, then its bytes into engine memory. */
export class InputFile {
  fd: u32 = 0;
  size: u64 = 0;

  /** Opens `path` and learns its size; false with lastFailure set. */
  open(path: string, what: string): bool {
    const fd = open(path, "read " + what, 0, RIGHT_READ | RIGHT_SEEK | RIGHT_TELL);
    if (fd < 0) return false;
    this.fd = <u32>fd;
    const errno = fd_seek(this.fd, 0, WHENCE_END, scratch);
    if (errno != 0) return failed(errno, "read " + what, path);
    this.size = load<u64>(scratch);
    return true;
  }

  /** Reads the whole file to `pointer` (which has room for size bytes) and closes it. */
  readTo(pointer: usize, path: string, what: string): bool {
    let errno = fd_seek(this.fd, 0, WHENCE_SET, scratch);
    let remaining = <usize>this.size;
    while (errno == 0 && remaining > 0) {
      store<u32>(scratch, <u32>pointer);
      store<u32>(scratch + 4, <u32>remaining);
      errno = fd_read(this.fd, scratch, 1, scratch + 8);
      const read = <usize>load<u32>(scratch + 8);
      if (errno == 0 && read == 0) {
        lastFailure = "cannot read " + what + " " + path + ": it ended early";
        this.close();
        return false;
      }
      pointer += read;
      remaining -= read;
    }
    this.close();
    return errno == 0 || failed(errno, "read " + what, path);
  }

  close(): void {
    fd_close(this.fd);
  }
}

/** Writes `length` bytes at `pointer` to a new or truncated file. */
export function writeFile(path: string, pointer: usize, length: usize): bool {
  const fd = open(path, "write", OPEN_CREATE | OPEN_TRUNCATE, RIGHT_WRITE | RIGHT_SEEK | RIGHT_TELL);
  if (fd < 0) return false;
  const errno = writeAll(<u32>fd, pointer, length);
  fd_close(<u32>fd);
  return errno == 0 || failed(errno, "write", path);
}

/** Creates `path` and its missing parents, like mkdir -p. */
export function makeDirectories(path: string): bool {
  const existing = open(path, "create", OPEN_DIRECTORY, 0);
  if (existing >= 0) {
    fd_close(<u32>existing);
    return true;
  }
  const located = locate(path, "create");
  if (located == null) return false;
  const relative = located.relative;
  const bytes = changetype<usize>(relative);
  const length = <usize>relative.byteLength;
  for (let end: usize = 1; end <= length; end++) {
    if (end < length && load<u8>(bytes + end) != 0x2F) continue; // each prefix ending before a "/"
    const errno = path_create_directory(located.dirFd, bytes, end);
    if (errno != 0 && errno != ERRNO_EXIST) return failed(errno, "create", path);
  }
  return true;
}
