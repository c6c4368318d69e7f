import { createSocket, type Socket } from 'node:dgram';

// Binds the RTP socket. Port 0 lets the OS choose; a range (a firewall's media ports) is tried
// from a random even port on, since RTP takes even ports and leaves the odd one above for RTCP
// (RFC 3550 §11), and random starts keep concurrent calls from racing for the same port.

export async function bindRtpSocket(o: {
  host: string;
  port?: number;
  portRange?: [number, number];
}): Promise<Socket> {
  const type = o.host.includes(':') ? 'udp6' : 'udp4';
  if (!o.portRange) return bind(type, o.host, o.port ?? 0);
  const [low, high] = o.portRange;
  const first = low + (low % 2);
  const count = Math.floor((high - first) / 2) + 1;
  if (count < 1) throw new Error(`empty RTP port range ${low}-${high}`);
  const offset = Math.floor(Math.random() * count);
  for (let i = 0; i < count; i++) {
    const port = first + ((offset + i) % count) * 2;
    try {
      return await bind(type, o.host, port);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error(`no free RTP port in ${low}-${high}`);
}

function bind(type: 'udp4' | 'udp6', host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(type);
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    socket.bind(port, host, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
