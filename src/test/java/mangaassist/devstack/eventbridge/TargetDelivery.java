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
}
