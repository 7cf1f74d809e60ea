// One tiny server for the Express-cost check: the same fixed answer on bare node:http, on node:http with
// Express's prototype swap (what Express's app.handle does to every req and res), and inside Express 5.
import http from 'node:http';
import express from 'express';
import { serve } from '../contenders/serve.js';

const body = Buffer.from(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'A fixed answer.' } }] }));
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };

function answer(req: http.IncomingMessage, res: http.ServerResponse): void {
  // The request body is read as a proxy would read it, so the request stream's own work is counted too.
  req.on('data', () => {});
  req.on('end', () => res.writeHead(200, headers).end(body));
}

/** Like Express's app.handle: give req and res prototypes of their own, then add a property to each. */
function withPrototypeSwap(): http.RequestListener {
  const reqProto = Object.create(http.IncomingMessage.prototype) as object;
  const resProto = Object.create(http.ServerResponse.prototype) as object;
  return (req, res) => {
    Object.setPrototypeOf(req, reqProto);
    Object.setPrototypeOf(res, resProto);
    (res as { locals?: object }).locals = Object.create(null) as object;
    answer(req, res);
  };
}

function inExpress(): http.RequestListener {
  const app = express();
  app.use(answer);
  return app;
}

const variant = process.argv[2];
const listeners: Record<string, () => http.RequestListener> = { node: () => answer, 'prototype-swap': withPrototypeSwap, express: inExpress };
const make = variant ? listeners[variant] : undefined;
if (!make) throw new TypeError(`unknown variant "${variant}"; one of ${Object.keys(listeners).join(', ')}`);
await serve(make());
