package mangaassist.chat.intent;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * English (and romaji / katakana) names of well-known series → the title as the Japanese catalog
 * spells it. Matching ignores case, width, spaces and punctuation ("ONE PIECE", "one-piece").
 */
public final class SeriesAliases {

    private static final Map<String, String> CATALOG_TITLES = Map.ofEntries(
            Map.entry("onepiece", "ワンピース"),
            Map.entry("attackontitan", "進撃の巨人"),
            Map.entry("shingekinokyojin", "進撃の巨人"),
            Map.entry("demonslayer", "鬼滅の刃"),
            Map.entry("kimetsunoyaiba", "鬼滅の刃"),
            Map.entry("jujutsukaisen", "呪術廻戦"),
            Map.entry("naruto", "NARUTO -ナルト-"),
            Map.entry("ナルト", "NARUTO -ナルト-"),
            Map.entry("spyxfamily", "SPY×FAMILY"),
            Map.entry("spyfamily", "SPY×FAMILY"),
            Map.entry("スパイファミリー", "SPY×FAMILY"),
            Map.entry("frieren", "葬送のフリーレン"),
            Map.entry("frierenbeyondjourneysend", "葬送のフリーレン"),
            Map.entry("sousounofrieren", "葬送のフリーレン"));

    private SeriesAliases() {
    }

    public static Optional<String> catalogTitle(String title) {
        return title == null ? Optional.empty() : Optional.ofNullable(CATALOG_TITLES.get(key(title)));
    }

    /** The catalog title when the name is known, otherwise the name itself (stripped). */
    public static String resolve(String title) {
        return catalogTitle(title).orElse(title == null ? null : title.strip());
    }

    static String key(String title) {
        String s = Normalizer.normalize(title, Normalizer.Form.NFKC)
                .toLowerCase(Locale.ROOT)
                .replace('×', 'x');
        return s.replaceAll("[^\\p{L}\\p{N}]", "");
    }
}
