package mangaassist.enrichment;

import java.util.Arrays;
import java.util.Optional;

/** What a job asks the model for; each has the seed's prompt template. */
public enum EnrichmentType {

    SYNOPSIS("synopsis", "Generate a compelling 2-paragraph synopsis for this manga. "
            + "Write in both Japanese and English.\n\n"
            + "Title: {title}\nJapanese Title: {titleJp}\n\n"
            + "Provide the response as JSON with keys 'synopsis_en' and 'synopsis_jp'."),
    TAGS("tags", "Generate relevant tags/genres for this manga title. "
            + "Provide 5-10 tags in both English and Japanese.\n\n"
            + "Title: {title}\nJapanese Title: {titleJp}\n\n"
            + "Respond as JSON with keys 'tags_en' (list) and 'tags_jp' (list)."),
    RECOMMENDATIONS("recommendations", "Based on this manga title, suggest 5 similar manga that fans would enjoy. "
            + "Include titles in both English and Japanese.\n\n"
            + "Title: {title}\nJapanese Title: {titleJp}\n\n"
            + "Respond as JSON array with objects having 'title_en' and 'title_jp' keys.");

    /** The seed's default when a job names no type. */
    public static final EnrichmentType DEFAULT = SYNOPSIS;
    public static final String NAMES = "synopsis|tags|recommendations";

    private final String wireName;
    private final String template;

    EnrichmentType(String wireName, String template) {
        this.wireName = wireName;
        this.template = template;
    }

    public String wireName() {
        return wireName;
    }

    /** The prompt for a title, with the seed's stand-ins for a missing title ("Unknown", "不明"). */
    public String prompt(String title, String titleJp) {
        return template.replace("{title}", title == null || title.isBlank() ? "Unknown" : title)
                .replace("{titleJp}", titleJp == null || titleJp.isBlank() ? "不明" : titleJp);
    }

    public static Optional<EnrichmentType> fromWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
