// A Kafka wire-protocol probe with Node built-ins only (it runs before `npm ci`).
// ApiVersions v0 proves the broker speaks Kafka; Metadata v4 proves it is ready (it lists
// itself as a broker and knows the active controller). Kafka 4 removed Metadata v0-v3
// (KIP-896), so v4 is the oldest version both Kafka 3.x and 4.x answer.
import net from 'node:net';

const API_METADATA = 3;
const API_VERSIONS = 18;
let nextCorrelationId = 1;

/** Sends one request (header v1 + body) and resolves with the response body (after the correlation id). */
function kafkaRequest({ host, port, timeoutMs = 3000 }, apiKey, apiVersion, body) {
  return new Promise((resolve, reject) => {
    const correlationId = nextCorrelationId++;
    const clientId = Buffer.from('stack-probe');
    const header = Buffer.alloc(10 + clientId.length);
    header.writeInt16BE(apiKey, 0);
    header.writeInt16BE(apiVersion, 2);
    header.writeInt32BE(correlationId, 4);
    header.writeInt16BE(clientId.length, 8);
    clientId.copy(header, 10);
    const size = Buffer.alloc(4);
    size.writeInt32BE(header.length + body.length);

    let buf = Buffer.alloc(0);
    const sock = net.connect({ host, port });
    const fail = (e) => {
      sock.destroy();
      reject(e);
    };
    sock.setTimeout(timeoutMs, () => fail(new Error(`kafka ${host}:${port}: no response within ${timeoutMs}ms`)));
    sock.once('error', fail);
    sock.once('connect', () => sock.write(Buffer.concat([size, header, body])));
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return;
      sock.destroy();
      if (buf.readInt32BE(4) !== correlationId) return reject(new Error('response does not match our correlation id'));
      resolve(buf.subarray(8, 4 + buf.readInt32BE(0)));
    });
  });
}

/** A cursor over a big-endian response body. */
function reader(buf) {
  let p = 0;
  const r = {
    int8: () => buf.readInt8((p += 1) - 1),
    int16: () => buf.readInt16BE((p += 2) - 2),
    int32: () => buf.readInt32BE((p += 4) - 4),
    string: () => {
      const n = r.int16();
      if (n < 0) return null;
      const s = buf.toString('utf8', p, p + n);
      p += n;
      return s;
    },
    array: (item) => {
      const n = r.int32();
      const out = [];
      for (let i = 0; i < n; i++) out.push(item());
      return out;
    },
  };
  return r;
}

/** ApiVersions v0: resolves with [{apiKey, min, max}] or throws on a broker error code. */
export async function apiVersions(opts) {
  const r = reader(await kafkaRequest(opts, API_VERSIONS, 0, Buffer.alloc(0)));
  const errorCode = r.int16();
  if (errorCode !== 0) throw new Error(`ApiVersions error code ${errorCode}`);
  return r.array(() => ({ apiKey: r.int16(), min: r.int16(), max: r.int16() }));
}

/** Metadata v4 for all topics: { brokers, clusterId, controllerId, topics: [{name, partitions, errorCode}] }. */
export async function metadata(opts) {
  const body = Buffer.alloc(5);
  body.writeInt32BE(-1, 0); // null topic array = all topics
  body.writeInt8(0, 4); // allow_auto_topic_creation = false
  const r = reader(await kafkaRequest(opts, API_METADATA, 4, body));
  r.int32(); // throttle_time_ms
  const brokers = r.array(() => ({ nodeId: r.int32(), host: r.string(), port: r.int32(), rack: r.string() }));
  const clusterId = r.string();
  const controllerId = r.int32();
  const topics = r.array(() => {
    const errorCode = r.int16();
    const name = r.string();
    const internal = r.int8() === 1;
    const partitions = r.array(() => {
      const p = { errorCode: r.int16(), partition: r.int32(), leader: r.int32() };
      r.array(r.int32); // replica nodes
      r.array(r.int32); // isr nodes
      return p;
    });
    return { name, errorCode, internal, partitions: partitions.length };
  });
  return { brokers, clusterId, controllerId, topics };
}

/** Health: the broker answers ApiVersions and Metadata lists at least one broker and a controller. */
export async function kafkaReady(opts) {
  const apis = await apiVersions(opts);
  if (!apis.some((a) => a.apiKey === API_METADATA)) throw new Error('broker does not offer Metadata');
  const md = await metadata(opts);
  if (md.brokers.length === 0 || md.controllerId < 0) throw new Error('broker has no controller yet');
  return md;
}
