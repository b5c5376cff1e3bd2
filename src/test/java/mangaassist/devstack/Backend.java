package mangaassist.devstack;

/** One engine of the embedded stack: started on a port, closed with the stack. */
interface Backend extends AutoCloseable {

    /** Display name, e.g. "SQS (ElasticMQ)". */
    String name();

    /** The property holding its port, e.g. mangaassist.stack.sqs-port. */
    String portProperty();

    /** Starts on the given (already claimed) loopback port. */
    void start(int port) throws Exception;

    /** How a user reaches it, e.g. http://127.0.0.1:9324. */
    String url(int port);

    @Override
    void close();
}
