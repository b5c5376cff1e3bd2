package mangaassist.chat.session;

import mangaassist.chat.model.ModelReply;

/** A cached answer: the language it was given in and the model's reply ({@link ChatCache} writes it, {@link ChatAdmission} reads it). */
public record CachedAnswer(String language, ModelReply reply) {
}
