package mangaassist.chat.intent;

import java.util.List;

/**
 * What a stock question learnt on its way (route chat-inventory): the ISBN the catalog resolved it to, the
 * prompt's stock facts ({@link InventoryFacts}), and whether the answer goes without live stock (the ERP
 * unavailable, or only a stale figure), in which case it is not cached.
 *
 * @param isbn        null until the catalog resolved the title and volume
 * @param facts       lines of the prompt's {@code 在庫情報:} / {@code Stock facts:} block, maybe none
 * @param unavailable true when the answer has no live stock to state
 */
public record Stock(String isbn, List<String> facts, boolean unavailable) {

    /** Nothing learnt yet (and every message that is no stock question). */
    public static final Stock NONE = new Stock(null, List.of(), false);

    public Stock {
        facts = facts == null ? List.of() : List.copyOf(facts);
    }

    public Stock withIsbn(String resolved) {
        return new Stock(resolved, facts, unavailable);
    }

    public Stock withFacts(List<String> stated, boolean noLiveStock) {
        return new Stock(isbn, stated, noLiveStock);
    }
}
