// A reference: the floor's handler inside Koa 3, to tell what Koa costs from what AgentWall does.
import Koa from 'koa';
import { floorHandler } from './floor-handler.js';
import { serve } from './serve.js';

const app = new Koa();
app.use((ctx) => {
  // The handler writes to the raw response itself, as AgentWall's Koa adapter does; Koa must not answer too.
  ctx.respond = false;
  floorHandler(ctx.req, ctx.res);
});
await serve(app.callback());
