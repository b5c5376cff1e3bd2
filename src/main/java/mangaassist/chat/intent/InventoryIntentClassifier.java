package mangaassist.chat.intent;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fast, deterministic first pass over a normalised message: is it a stock question, for which
 * series and volume? HIGH: stock wording + title + explicit volume. LOW: stock wording but title or
 * volume unclear (the route then asks Haiku, seed 003 data flow step 4). GENERAL: no stock wording.
 */
public final class InventoryIntentClassifier {

    private static final int MIN_VOLUME = 1;
    private static final int MAX_VOLUME = 999;
    private static final int MAX_TITLE_CHARS = 100;

    // Matching runs on NFKC text: full-width digits, ？, ＃ and half-width kana are folded for us.
    private static final Pattern JA_VOLUME = Pattern.compile("第?\\s*(\\d{1,4})\\s*巻");
    private static final Pattern EN_VOLUME = Pattern.compile("(?i)(?:\\bvol(?:ume)?\\b\\.?|#)\\s*(\\d{1,4})(?!\\d)");
    // Wording that is about stock by itself.
    private static final Pattern STRONG = Pattern.compile(
            "(?i)在庫|入荷|品切|売り切|売切|\\bin[- ]?stock\\b|\\bout of stock\\b|\\bstock\\b|\\brestock"
                    + "|\\bsold out\\b|\\bavailab");
    // Wording that is about stock only with a volume ("おすすめの漫画はありますか" is not).
    private static final Pattern WEAK = Pattern.compile(
            "(?i)ありますか|あります\\?|有りますか|置いて|買えます|購入でき|売って"
                    + "|\\bdo you (?:have|carry|sell)\\b|\\bhave you got\\b|\\bcan i (?:buy|get|order)\\b|\\bany copies\\b");
    private static final Pattern QUOTED = Pattern.compile("[「『\"“]([^」』\"”]{1,100})[」』\"”]");
    private static final Pattern JAPANESE = Pattern.compile("[\\p{IsHiragana}\\p{IsKatakana}\\p{IsHan}]");

    private static final Pattern JA_DELIMITER = Pattern.compile("[、。,!?\\n]");
    private static final Pattern JA_TITLE_END = Pattern.compile("[はがを、。,!?\\n]");
    private static final Pattern JA_TRAILING_PARTICLE = Pattern.compile("\\s*[のはが]$");
    private static final Pattern EN_OF_TITLE = Pattern.compile("(?i)^\\s*of\\s+(.+)");
    private static final Pattern EN_TITLE_END = Pattern.compile(
            "(?i)\\s+(?:in[- ]?stock|out of stock|available|still|right now|now|at the moment|please)\\b|[?!,]");
    private static final Pattern EN_FILLER = Pattern.compile(
            "(?i)^(?:hi|hello|hey|please|excuse me|sorry|is|are|do you (?:have|carry|stock|sell)|have you got"
                    + "|is there|are there|any|copies of|can i (?:buy|get|order)|i(?:'m| am) looking for"
                    + "|i (?:want|need)|the|a|an|of)\\b[\\s,!.]*");
    private static final Pattern EN_TRAILING_FILLER = Pattern.compile("(?i)\\s+(?:still|currently|now|the|of)$|'s$");
    private static final Pattern TRAILING_NUMBER = Pattern.compile("^(.*?[^\\d\\s])\\s*(\\d{1,3})$");
    private static final Pattern EDGE_JUNK = Pattern.compile("^[\\s)）\\]】」』、,:：]+|[\\s(（\\[【「『、,:：.]+$");
    private static final Set<String> PRONOUNS = Set.of("it", "this", "that", "they", "them", "one", "these", "those");

    public Intent classify(String normalizedMessage) {
        if (normalizedMessage == null || normalizedMessage.isBlank()) {
            return Intent.general();
        }
        String s = Normalizer.normalize(normalizedMessage, Normalizer.Form.NFKC);
        Matcher strong = STRONG.matcher(s);
        int strongAt = strong.find() ? strong.start() : -1;
        Matcher ja = JA_VOLUME.matcher(s);
        Matcher en = EN_VOLUME.matcher(s);
        Matcher volume = ja.find() ? ja : en.find() ? en : null;
        if (strongAt < 0 && !(volume != null && WEAK.matcher(s).find())) {
            return Intent.general();
        }

        String title = title(s, volume, volume == ja, strongAt);
        Integer vol = volume == null ? null : validVolume(volume.group(1));
        boolean explicitVolume = vol != null;
        if (volume == null && title != null) {
            // "ワンピース42は在庫ありますか", "One Piece 42 in stock?": a bare number is only a guess.
            Matcher n = TRAILING_NUMBER.matcher(title);
            if (n.matches()) {
                title = clean(n.group(1));
                vol = validVolume(n.group(2));
            }
        }
        Intent.Confidence confidence = title != null && explicitVolume ? Intent.Confidence.HIGH : Intent.Confidence.LOW;
        return new Intent(Intent.Type.INVENTORY, confidence, title, vol);
    }

    private static String title(String s, Matcher volume, boolean japaneseVolume, int strongAt) {
        Matcher quoted = QUOTED.matcher(s);
        if (quoted.find()) {
            return clean(quoted.group(1));
        }
        boolean japanese = volume != null ? japaneseVolume : JAPANESE.matcher(s).find();
        int end = volume != null ? volume.start() : strongAt;
        if (japanese) {
            String before = clean(jaBefore(s.substring(0, end)));
            return before != null || volume == null ? before : clean(jaAfter(s.substring(volume.end())));
        }
        if (volume != null) {
            Matcher of = EN_OF_TITLE.matcher(s.substring(volume.end()));
            if (of.find()) {
                return clean(cutAt(of.group(1), EN_TITLE_END));
            }
        }
        return clean(enBefore(s.substring(0, end)));
    }

    // "すみません、ワンピースの" → "ワンピース"
    private static String jaBefore(String before) {
        Matcher d = JA_DELIMITER.matcher(before);
        int from = 0;
        while (d.find()) {
            from = d.end();
        }
        return JA_TRAILING_PARTICLE.matcher(before.substring(from).strip()).replaceAll("");
    }

    // "42巻のワンピースは在庫…" → "ワンピース" (not cut at の: 進撃の巨人 has one)
    private static String jaAfter(String after) {
        String a = after.replaceFirst("^[\\s)）]*の", "");
        Matcher strong = STRONG.matcher(a);
        String cut = strong.find() ? a.substring(0, strong.start()) : a;
        return JA_TRAILING_PARTICLE.matcher(cutAt(cut, JA_TITLE_END).strip()).replaceAll("");
    }

    private static String enBefore(String before) {
        String t = before.strip();
        for (String prev = null; !t.equals(prev); ) {
            prev = t;
            t = EN_FILLER.matcher(t).replaceFirst("").strip();
            t = EN_TRAILING_FILLER.matcher(t).replaceFirst("").strip();
        }
        return t;
    }

    private static String cutAt(String text, Pattern end) {
        Matcher m = end.matcher(text);
        return m.find() ? text.substring(0, m.start()) : text;
    }

    private static String clean(String title) {
        if (title == null) {
            return null;
        }
        String t = EDGE_JUNK.matcher(title).replaceAll("").strip();
        boolean usable = !t.isEmpty() && t.length() <= MAX_TITLE_CHARS && t.codePoints().anyMatch(Character::isLetter)
                && !PRONOUNS.contains(t.toLowerCase(Locale.ROOT)) && !STRONG.matcher(t).find();
        return usable ? t : null;
    }

    private static Integer validVolume(String digits) {
        int v = Integer.parseInt(digits);
        return v >= MIN_VOLUME && v <= MAX_VOLUME ? v : null;
    }
}
