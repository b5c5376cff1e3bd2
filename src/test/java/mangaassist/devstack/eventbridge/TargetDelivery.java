package mangaassist.devstack.eventbridge;

/** Sends one matched event (already shaped: the envelope, or the target's Input) to a rule's target. */
@FunctionalInterface
public interface TargetDelivery {

    /**
     * @param targetArn       the target's ARN (arn:aws:sqs:region:account:queue)
     * @param messageGroupId  the target's SqsParameters.MessageGroupId (FIFO queues), or null
     * @param body            what the target receives
     */
    void deliver(String targetArn, String messageGroupId, String body) throws Exception;

    /**
     * Several events of one PutEvents call for the same target (at most 10), in as few calls as the target's API
     * allows; answers how many were refused. By default, one {@link #deliver} each.
     */
    default int deliverAll(String targetArn, String messageGroupId, java.util.List<String> bodies) throws Exception {
        for (String body : bodies) {
            deliver(targetArn, messageGroupId, body);
        }
        return 0;
    }
}
