package mangaassist.platform.security;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who may call the protected APIs ({@code mangaassist.security}).
 *
 * @param header       the request header that carries an API key (operators' browsers may send it as the password of
 *                     HTTP Basic instead: Hawtio)
 * @param keys         the API keys by name: each its value (a secret: from the environment outside {@code embedded})
 *                     and its scopes; a key without a value is ignored
 * @param publicPaths  paths that need no key whatever the scopes say (health and prometheus under /actuator/**)
 * @param scopes       each scope with the request paths (Ant patterns, below the servlet context) that need it
 * @param publicScopes scopes whose paths need no key in this profile ({@code embedded}: operations)
 */
@ConfigurationProperties("mangaassist.security")
public record ApiSecurityProperties(String header, Map<String, Key> keys, List<String> publicPaths,
                                    Map<String, List<String>> scopes, Set<String> publicScopes) {

    public ApiSecurityProperties {
        header = header == null || header.isBlank() ? "X-API-Key" : header;
        keys = keys == null ? Map.of() : Map.copyOf(keys);
        publicPaths = publicPaths == null ? List.of() : List.copyOf(publicPaths);
        scopes = scopes == null ? Map.of() : Map.copyOf(scopes);
        publicScopes = publicScopes == null ? Set.of() : Set.copyOf(publicScopes);
    }

    /**
     * @param value  the key itself (never logged, see {@link #toString()})
     * @param scopes what it may call
     */
    public record Key(String value, Set<String> scopes) {

        public Key {
            scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
        }

        @Override
        public String toString() {
            return "Key[value=****, scopes=" + scopes + "]";
        }
    }
}
