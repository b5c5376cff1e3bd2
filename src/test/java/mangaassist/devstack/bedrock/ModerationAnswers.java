package mangaassist.devstack.bedrock;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The emulated model's answer to a content moderation prompt (a system prompt that calls the model a "content
 * moderator"): {@code {"verdict":"allow|review|block","reasons":[...]}}, decided by a few fixed rules over the text
 * between {@code <content>} and {@code </content>} (the whole message without them), always the same for the same
 * text. Block: a threat of violence, spam or a link. Review: a possible spoiler, personal information. Else allow.
 */
final class ModerationAnswers {

    private static final Pattern MODERATOR = Pattern.compile("(?i)content moderator");
    private static final Pattern THREAT = Pattern.compile("(?i)\\bkill you\\b|殺す|死ね");
    private static final Pattern SPAM = Pattern.compile("(?i)https?://|www\\.|buy now|free money");
    private static final Pattern SPOILER = Pattern.compile("(?i)spoiler|ネタバレ");
    private static final Pattern PERSONAL = Pattern.compile("[\\w.+-]+@[\\w-]+\\.[\\w.]+|\\b0\\d{1,4}-\\d{1,4}-\\d{3,4}\\b");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModerationAnswers() {
    }

    static boolean isModeration(String system) {
        return system != null && MODERATOR.matcher(system).find();
    }

    static String judge(String message) {
        String text = Normalizer.normalize(content(message == null ? "" : message), Normalizer.Form.NFKC)
                .toLowerCase(Locale.ROOT);
        List<String> block = new ArrayList<>();
        List<String> review = new ArrayList<>();
        if (THREAT.matcher(text).find()) {
            block.add("threat of violence");
        }
        if (SPAM.matcher(text).find()) {
            block.add("spam or a link to another site");
        }
        if (SPOILER.matcher(text).find()) {
            review.add("possible unmarked spoiler");
        }
        if (PERSONAL.matcher(text).find()) {
            review.add("personal information");
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("verdict", !block.isEmpty() ? "block" : !review.isEmpty() ? "review" : "allow");
        var reasons = answer.putArray("reasons");
        block.forEach(reasons::add);
        review.forEach(reasons::add);
        return answer.toString();
    }

    private static String content(String message) {
        int start = message.indexOf("<content>");
        int end = message.lastIndexOf("</content>");
        return start >= 0 && end > start ? message.substring(start + "<content>".length(), end) : message;
    }
}
