package mangaassist.chat.session;

import java.util.List;

/**
 * The session's latest turns that go into the prompt, oldest first, and where they came from.
 *
 * @param source where the turns came from; decides how the answer's turns are added to Redis ({@link ChatRecentTurns})
 * @param turns  the turns, maybe none
 */
public record History(Source source, List<ChatTurn> turns) {

    /** Where a message's history came from. */
    public enum Source {
        /** Redis's recent turns: the answer's turns are appended to them. */
        RECENT,
        /** A session Redis has no marker of: no history; the set starts from what DynamoDB holds. */
        NEW,
        /** A DynamoDB query (or to be queried, when Redis could not tell): the set starts from its history. */
        SESSIONS,
        /** DynamoDB could not be read: the set is left alone (the next message reads DynamoDB again). */
        UNAVAILABLE
    }

    public History {
        turns = turns == null ? List.of() : List.copyOf(turns);
    }
}
