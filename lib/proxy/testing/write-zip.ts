/** Test support: a zip (stored or deflated entries) as Fiddler writes a SAZ, to build SAZ fixtures at test time. */
import { crc32, deflateRawSync } from "node:zlib";

export function writeZip(files: { name: string; data: string | Buffer }[], deflate = true): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const raw = Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data, "utf8");
    const data = deflate ? deflateRawSync(raw) : raw;
    const name = Buffer.from(f.name, "utf8");
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(0, 10);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** The WebSocket 504 session of fixtures/websocket-504.har as Fiddler saves it (.saz). */
export function websocket504Saz(): Buffer {
  const host = "opsboard-contoso.msappproxy.net";
  const page = `<!DOCTYPE html><html><body><h1>This corporate app can't be accessed right now.</h1><p>The connector did not respond within the timeout period.</p><table><tr><td>Status Code:</td><td>GatewayTimeout</td></tr><tr><td>Transaction ID:</td><td>7c1f3e9a-2b5d-4c8e-a6f0-9d8e7c6b5a41</td></tr></table></body></html>`;
  const meta = (n: number, begin: string, done: string) =>
    `<?xml version="1.0" encoding="utf-8"?>\r\n<Session SID="${n}" BitFlags="0"><SessionTimers ClientConnected="${begin}" ClientBeginRequest="${begin}" GotRequestHeaders="${begin}" ClientDoneRequest="${begin}" ServerConnected="${begin}" ClientBeginResponse="${done}" ClientDoneResponse="${done}" /><SessionFlags><SessionFlag N="x-clientip" V="127.0.0.1" /><SessionFlag N="x-hostip" V="20.190.151.7" /></SessionFlags></Session>`;
  return writeZip([
    {
      name: "[Content_Types].xml",
      data: '<?xml version="1.0" encoding="utf-8" ?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="htm" ContentType="text/html" /><Default Extension="xml" ContentType="application/xml" /><Default Extension="txt" ContentType="text/plain" /></Types>',
    },
    { name: "raw/01_c.txt", data: `GET https://${host}/ HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: Mozilla/5.0 Edg/131.0.0.0\r\n\r\n` },
    { name: "raw/01_m.xml", data: meta(1, "2026-11-03T10:14:21.8950000+01:00", "2026-11-03T10:14:21.9800000+01:00") },
    { name: "raw/01_s.txt", data: `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body>Ops Board</body></html>` },
    {
      name: "raw/02_c.txt",
      data: `GET https://${host}/signalr/hub?id=Qm9hcmQx HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    },
    { name: "raw/02_m.xml", data: meta(2, "2026-11-03T10:14:22.0980000+01:00", "2026-11-03T10:15:47.1190000+01:00") },
    { name: "raw/02_s.txt", data: `HTTP/1.1 504 Gateway Timeout\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${page}` },
  ]);
}
