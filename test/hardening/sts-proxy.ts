// A loopback proxy in front of the AWS emulator that misbehaves on cue: the next N requests answer
// with a fault (an AWS error document with its HTTP status, or a connection reset halfway through a
// response), then requests are forwarded untouched (the Host header too, so SigV4 still verifies).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { kind: 'aws'; status: number; code: string; message: string }
  | { kind: 'reset' }
  /** what a load balancer or proxy in front of STS sends when it fails: an HTML page, not an AWS error */
  | { kind: 'html'; status: number };

export const throttling: Fault = { kind: 'aws', status: 400, code: 'Throttling', message: 'Rate exceeded' };
export const internalFailure: Fault = { kind: 'aws', status: 500, code: 'InternalFailure', message: 'We encountered an internal error. Please try again.' };
export const serviceUnavailable: Fault = { kind: 'aws', status: 503, code: 'ServiceUnavailable', message: 'Service is unavailable.' };
export const reset: Fault = { kind: 'reset' };
export const htmlServerError: Fault = { kind: 'html', status: 500 };

export interface StsProxy {
  url: string;
  /** the next `times` requests get `fault` (Infinity: all of them) */
  fail(fault: Fault, times: number): void;
  /** requests seen since the last fail(), faulty or forwarded */
  seen(): number;
  close(): Promise<void>;
}

export async function startStsProxy(upstream: string): Promise<StsProxy> {
  const target = new URL(upstream);
  let fault: Fault | undefined;
  let remaining = 0;
  let seen = 0;
  const server = http.createServer((req, res) => {
    seen++;
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      if (fault && remaining > 0) {
        remaining--;
        if (fault.kind === 'reset') {
          // headers and a third of a document promised longer, then a TCP RST
          res.socket!.write('HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 900\r\n\r\n<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIA');
          setTimeout(() => res.socket?.resetAndDestroy(), 20);
          return;
        }
        if (fault.kind === 'html') {
          res.writeHead(fault.status, { 'Content-Type': 'text/html' });
          res.end('<html><head><title>500 Internal Server Error</title></head><body><center><h1>500 Internal Server Error</h1></center><hr><center>nginx</center></body></html>\n');
          return;
        }
        res.writeHead(fault.status, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': 'proxy-fault' });
        res.end(
          `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>${fault.status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${fault.code}</Code><Message>${fault.message}</Message></Error><RequestId>proxy-fault</RequestId></ErrorResponse>`,
        );
        return;
      }
      const forward = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(Buffer.concat(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    fail(f, times) {
      fault = f;
      remaining = times;
      seen = 0;
    },
    seen: () => seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
