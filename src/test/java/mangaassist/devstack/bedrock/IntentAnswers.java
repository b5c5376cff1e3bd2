package mangaassist.devstack.bedrock;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.devstack.erp.ErpCatalog;

/**
 * The emulated model's answer to an intent classification prompt (a system prompt that calls the
 * model an "intent classifier" and asks for JSON): {@code {"intent","title","volume"}}, read from the
 * message the way a model that knows the store's series would — by their Japanese names, their
 * English names and common short forms — and always the same for the same message.
 */
final class IntentAnswers {

    private static final Pattern CLASSIFIER = Pattern.compile("(?i)intent classifier");
    private static final Pattern STOCK = Pattern.compile(
            "(?i)在庫|入荷|品切|売り切|ありますか|置いて|買え|購入|stock|availab|do you have|can i (?:buy|get|order)|sold out");
    private static final Pattern NUMBER = Pattern.compile("(?<!\\d)(\\d{1,3})(?!\\d)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private IntentAnswers() {
    }

    static boolean isClassification(String system) {
        return system != null && CLASSIFIER.matcher(system).find();
    }

    static String classify(String message) {
        String text = Normalizer.normalize(message == null ? "" : message, Normalizer.Form.NFKC);
        ObjectNode answer = JSON.createObjectNode();
        if (!STOCK.matcher(text).find()) {
            return answer.put("intent", "general").putNull("title").putNull("volume").toString();
        }
        answer.put("intent", "inventory_check");
        String series = series(text);
        if (series == null) {
            answer.putNull("title");
        } else {
            answer.put("title", series);
        }
        Matcher number = NUMBER.matcher(text);
        if (number.find()) {
            answer.put("volume", Integer.parseInt(number.group(1)));
        } else {
            answer.putNull("volume");
        }
        return answer.toString();
    }

    // the series whose longest name (Japanese, English or short form) appears in the message
    private static String series(String text) {
        String haystack = key(text);
        String best = null;
        int bestLength = 0;
        for (ErpCatalog.Series s : ErpCatalog.SERIES) {
            List<String> names = new ArrayList<>(s.aliases());
            names.add(s.name());
            for (String name : names) {
                String k = key(name);
                if (!k.isEmpty() && haystack.contains(k) && k.length() > bestLength) {
                    best = s.name();
                    bestLength = k.length();
                }
            }
        }
        return best;
    }

    private static String key(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
    }
}
