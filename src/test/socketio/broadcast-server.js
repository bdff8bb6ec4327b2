// The socket.io 4 fan-out baseline: each body POSTed to /publish is emitted to every connected
// socket (io.emit encodes the packet once for all). WebSocket transport only, as the bench's
// clients connect straight with ?EIO=4&transport=websocket. Port: first argument.
const http = require('http');
const { Server } = require('socket.io');

const port = Number(process.argv[2]);
const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/publish') {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    io.emit('event', Buffer.concat(chunks).toString('utf8'));
    res.writeHead(202).end();
  });
});
const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false, maxHttpBufferSize: 1e6 });
server.listen(port, '127.0.0.1', () => console.log(`socket.io broadcast server on ${port}`));
