// A MongoDB wire-protocol probe with Node built-ins only (it runs before `npm ci`):
// one OP_MSG (opcode 2013) command over a fresh TCP connection, with a minimal BSON codec.
import net from 'node:net';

const OP_MSG = 2013;

// ---- BSON encoding (enough for commands: numbers, strings, booleans, null, dates, docs, arrays) ----

function cstring(s) {
  return Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
}

function element(name, v) {
  const key = cstring(name);
  if (v === null || v === undefined) return Buffer.concat([Buffer.from([0x0a]), key]);
  if (typeof v === 'boolean') return Buffer.concat([Buffer.from([0x08]), key, Buffer.from([v ? 1 : 0])]);
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) {
      const b = Buffer.alloc(4);
      b.writeInt32LE(v);
      return Buffer.concat([Buffer.from([0x10]), key, b]);
    }
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    return Buffer.concat([Buffer.from([0x01]), key, b]);
  }
  if (typeof v === 'bigint') {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(v);
    return Buffer.concat([Buffer.from([0x12]), key, b]);
  }
  if (typeof v === 'string') {
    const s = Buffer.from(v, 'utf8');
    const len = Buffer.alloc(4);
    len.writeInt32LE(s.length + 1);
    return Buffer.concat([Buffer.from([0x02]), key, len, s, Buffer.from([0])]);
  }
  if (v instanceof Date) {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(v.getTime()));
    return Buffer.concat([Buffer.from([0x09]), key, b]);
  }
  if (Buffer.isBuffer(v)) {
    const len = Buffer.alloc(4);
    len.writeInt32LE(v.length);
    return Buffer.concat([Buffer.from([0x05]), key, len, Buffer.from([0]), v]);
  }
  if (Array.isArray(v)) return Buffer.concat([Buffer.from([0x04]), key, encodeBson(Object.fromEntries(v.entries()))]);
  if (typeof v === 'object') return Buffer.concat([Buffer.from([0x03]), key, encodeBson(v)]);
  throw new TypeError(`cannot BSON-encode ${typeof v} for key ${name}`);
}

export function encodeBson(doc) {
  const body = Buffer.concat(Object.entries(doc).map(([k, v]) => element(k, v)));
  const len = Buffer.alloc(4);
  len.writeInt32LE(body.length + 5);
  return Buffer.concat([len, body, Buffer.from([0])]);
}

// ---- BSON decoding ----

export function decodeBson(buf, offset = 0, asArray = false) {
  const size = buf.readInt32LE(offset);
  const end = offset + size - 1;
  let p = offset + 4;
  const out = asArray ? [] : {};
  const readCString = () => {
    const z = buf.indexOf(0, p);
    const s = buf.toString('utf8', p, z);
    p = z + 1;
    return s;
  };
  while (p < end) {
    const type = buf[p++];
    const name = readCString();
    let v;
    switch (type) {
      case 0x01: v = buf.readDoubleLE(p); p += 8; break;
      case 0x02: case 0x0d: case 0x0e: {
        const n = buf.readInt32LE(p);
        v = buf.toString('utf8', p + 4, p + 4 + n - 1);
        p += 4 + n;
        break;
      }
      case 0x03: case 0x04: {
        v = decodeBson(buf, p, type === 0x04);
        p += buf.readInt32LE(p);
        break;
      }
      case 0x05: {
        const n = buf.readInt32LE(p);
        v = buf.subarray(p + 5, p + 5 + n);
        p += 5 + n;
        break;
      }
      case 0x07: v = buf.toString('hex', p, p + 12); p += 12; break; // ObjectId as hex
      case 0x08: v = buf[p] === 1; p += 1; break;
      case 0x09: v = new Date(Number(buf.readBigInt64LE(p))); p += 8; break;
      case 0x0a: case 0x06: case 0xff: case 0x7f: v = null; break;
      case 0x0b: { const pattern = readCString(); const flags = readCString(); v = { $regex: pattern, $options: flags }; break; }
      case 0x10: v = buf.readInt32LE(p); p += 4; break;
      case 0x11: v = { t: buf.readUInt32LE(p + 4), i: buf.readUInt32LE(p) }; p += 8; break;
      case 0x12: v = Number(buf.readBigInt64LE(p)); p += 8; break;
      case 0x13: v = { $numberDecimalBytes: buf.toString('hex', p, p + 16) }; p += 16; break;
      default: throw new Error(`unsupported BSON type 0x${type.toString(16)} for key ${name}`);
    }
    if (asArray) out.push(v);
    else out[name] = v;
  }
  return out;
}

// ---- OP_MSG ----

let nextRequestId = 1;

/** Sends one command document (it must carry $db) and resolves with the reply document. */
export function mongoCommand({ host = '127.0.0.1', port = 27017, timeoutMs = 3000 }, command) {
  return new Promise((resolve, reject) => {
    const requestId = nextRequestId++;
    const body = encodeBson(command);
    const header = Buffer.alloc(21); // 16-byte header + 4-byte flagBits + 1-byte section kind 0
    header.writeInt32LE(21 + body.length, 0);
    header.writeInt32LE(requestId, 4);
    header.writeInt32LE(0, 8);
    header.writeInt32LE(OP_MSG, 12);
    header.writeUInt32LE(0, 16);
    header.writeUInt8(0, 20);

    let chunks = Buffer.alloc(0);
    const sock = net.connect({ host, port });
    const fail = (e) => {
      sock.destroy();
      reject(e);
    };
    sock.setTimeout(timeoutMs, () => fail(new Error(`mongo ${host}:${port}: no reply within ${timeoutMs}ms`)));
    sock.once('error', fail);
    sock.once('connect', () => sock.write(Buffer.concat([header, body])));
    sock.on('data', (d) => {
      chunks = Buffer.concat([chunks, d]);
      if (chunks.length < 4 || chunks.length < chunks.readInt32LE(0)) return;
      sock.destroy();
      try {
        const opCode = chunks.readInt32LE(12);
        if (opCode !== OP_MSG) throw new Error(`unexpected reply opcode ${opCode}`);
        if (chunks.readInt32LE(8) !== requestId) throw new Error('reply does not answer our request id');
        if (chunks[20] !== 0) throw new Error(`unexpected OP_MSG section kind ${chunks[20]}`);
        resolve(decodeBson(chunks, 21));
      } catch (e) {
        reject(e);
      }
    });
  });
}

/** Resolves true when {ping:1} answers ok == 1. */
export async function mongoPing(opts) {
  const reply = await mongoCommand(opts, { ping: 1, $db: 'admin' });
  if (reply.ok !== 1) throw new Error(`ping answered ${JSON.stringify(reply)}`);
  return true;
}

/** { version, ferretdbVersion } from buildInfo (FerretDB reports both). */
export async function mongoBuildInfo(opts) {
  const reply = await mongoCommand(opts, { buildInfo: 1, $db: 'admin' });
  if (reply.ok !== 1) throw new Error(`buildInfo answered ${JSON.stringify(reply)}`);
  return { version: reply.version, ferretdbVersion: reply.ferretdbVersion ?? null };
}
