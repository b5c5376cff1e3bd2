package mangaassist.devstack;

import java.io.IOException;

import redis.embedded.RedisServer;

/** Redis: a real redis-server binary shipped by embedded-redis, as a child process. */
final class RedisBackend implements Backend {

    private RedisServer server;

    @Override
    public String name() {
        return "Redis (redis-server)";
    }

    @Override
    public String portProperty() {
        return "mangaassist.stack.redis-port";
    }

    @Override
    public void start(int port) throws IOException {
        server = RedisServer.newRedisServer().port(port).bind(StackPorts.LOOPBACK)
                .setting("save \"\"").setting("appendonly no")
                // the child must not outlive us, even on a startup failure
                .onShutdownForceStop(true)
                .build();
        server.start();
    }

    @Override
    public String url(int port) {
        return "redis://" + StackPorts.LOOPBACK + ":" + port;
    }

    @Override
    public void close() {
        if (server != null) {
            try {
                server.stop();
            } catch (IOException e) {
                throw new IllegalStateException("redis-server did not stop", e);
            }
        }
    }
}
