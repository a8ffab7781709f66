/**
 * Preloaded (`node --import`) into every program the newcomer tests run: a TCP connection to
 * anything but this machine fails at once, naming the host, so that a snippet that would reach
 * a real provider fails instead of calling it. Hosts in NEWCOMER_ALLOWED_HOSTS (comma-separated:
 * where the test Redis or PostgreSQL runs) are let through too.
 */
import net from 'node:net';

const allowed = new Set([
  'localhost',
  '::1',
  ...(process.env.NEWCOMER_ALLOWED_HOSTS ?? '').split(',').filter(Boolean),
]);

/** The host a `Socket#connect()` call is for, whichever of its argument forms it was given. */
function hostOf(args) {
  // net.connect() hands connect() its arguments already normalized, as [options, callback].
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first !== null && typeof first === 'object') {
    return first.path !== undefined ? undefined : (first.host ?? 'localhost');
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined; // a socket path
  return typeof args[1] === 'string' ? args[1] : 'localhost';
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function loopbackOnlyConnect(...args) {
  const host = hostOf(args);
  if (host === undefined || allowed.has(host) || host.startsWith('127.')) {
    return connect.apply(this, args);
  }
  const error = new Error(
    `[newcomer tests] blocked a connection to ${host}: a snippet must not reach the network`,
  );
  error.code = 'ENETUNREACH';
  process.stderr.write(`${error.message}\n`);
  process.nextTick(() => this.destroy(error));
  return this;
};
