package mangaassist.platform.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.util.AntPathMatcher;

/** Which scope a request path needs (mangaassist.security.scopes), none for a public path. */
public final class ProtectedPaths {

    private record Rule(String pattern, String scope) {
    }

    private final AntPathMatcher matcher = new AntPathMatcher();

    {
        // a route that answered /api/DLQ/... must not be an open door: match whatever the case
        matcher.setCaseSensitive(false);
    }
    private final List<Rule> rules = new ArrayList<>();
    private final List<String> publicPaths;

    public ProtectedPaths(List<String> publicPaths, Map<String, List<String>> scopes, Set<String> publicScopes) {
        this.publicPaths = List.copyOf(publicPaths);
        scopes.forEach((scope, patterns) -> {
            if (!publicScopes.contains(scope) && patterns != null) {
                patterns.forEach(pattern -> rules.add(new Rule(pattern, scope)));
            }
        });
    }

    /** None for a public path, else the scope of the first rule whose pattern matches the (decoded, normalised) path. */
    public Optional<String> requiredScope(String path) {
        for (String pattern : publicPaths) {
            if (matcher.match(pattern, path)) {
                return Optional.empty();
            }
        }
        for (Rule rule : rules) {
            if (matcher.match(rule.pattern(), path)) {
                return Optional.of(rule.scope());
            }
        }
        return Optional.empty();
    }
}
