package mangaassist.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/** A browser test: runs where Chromium is found, is required where CI=true, is skipped elsewhere ({@link Chromium}). */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(Chromium.Condition.class)
public @interface RequiresChromium {
}
