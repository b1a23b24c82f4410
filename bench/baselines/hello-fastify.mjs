// Baseline for start-up: a bare Fastify process that listens and answers one route, started the
// same way as `bookings-emulator start --port 0`.
import Fastify from 'fastify';

const app = Fastify();
app.get('/_emulator/health', async () => ({ status: 'ok' }));
app.post('/subscribe', async () => ({ webhookId: '00000000-0000-4000-8000-000000000000' }));
const url = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`listening on ${url}\n`);
process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
