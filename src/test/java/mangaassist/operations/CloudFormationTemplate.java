package mangaassist.operations;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A CloudFormation template in long-form YAML, with {@code Fn::ForEach} (AWS::LanguageExtensions) expanded over its
 * collection's parameter default, and a structural validation that needs nothing from the network: known resource
 * types with their required properties, every Ref, GetAtt, Sub variable and DependsOn naming something that exists.
 * (cfn-lint checks far more, against AWS's resource schemas; it comes from PyPI, which CI cannot reach.)
 */
final class CloudFormationTemplate {

    /** The resource types this project uses, with the properties CloudFormation requires of each. */
    static final Map<String, List<String>> KNOWN_TYPES = Map.ofEntries(
            Map.entry("AWS::SQS::Queue", List.of()),
            Map.entry("AWS::SQS::QueuePolicy", List.of("PolicyDocument", "Queues")),
            Map.entry("AWS::DynamoDB::Table", List.of("KeySchema")),
            Map.entry("AWS::S3::Bucket", List.of()),
            Map.entry("AWS::Events::EventBus", List.of("Name")),
            Map.entry("AWS::Events::Rule", List.of()),
            Map.entry("AWS::OpenSearchServerless::SecurityPolicy", List.of("Name", "Type", "Policy")),
            Map.entry("AWS::OpenSearchServerless::AccessPolicy", List.of("Name", "Type", "Policy")),
            Map.entry("AWS::OpenSearchServerless::VpcEndpoint", List.of("Name", "VpcId", "SubnetIds")),
            Map.entry("AWS::OpenSearchServerless::Collection", List.of("Name")),
            Map.entry("AWS::OpenSearchServerless::Index", List.of("CollectionEndpoint", "IndexName")),
            Map.entry("AWS::ElastiCache::SubnetGroup", List.of("Description", "SubnetIds")),
            Map.entry("AWS::ElastiCache::ReplicationGroup", List.of("ReplicationGroupDescription")),
            Map.entry("AWS::EC2::SecurityGroup", List.of("GroupDescription")),
            Map.entry("AWS::IAM::Role", List.of("AssumeRolePolicyDocument")),
            Map.entry("AWS::SNS::Topic", List.of()),
            Map.entry("AWS::CloudWatch::Alarm", List.of("ComparisonOperator", "EvaluationPeriods")));

    /** GetAtt attributes this project reads, per type. */
    static final Map<String, Set<String>> ATTRIBUTES = Map.of(
            "AWS::SQS::Queue", Set.of("Arn", "QueueName", "QueueUrl"),
            "AWS::S3::Bucket", Set.of("Arn", "DomainName"),
            "AWS::Events::EventBus", Set.of("Arn", "Name"),
            "AWS::Events::Rule", Set.of("Arn"),
            "AWS::OpenSearchServerless::Collection", Set.of("Arn", "CollectionEndpoint", "Id"),
            "AWS::ElastiCache::ReplicationGroup", Set.of("PrimaryEndPoint.Address", "PrimaryEndPoint.Port"),
            "AWS::IAM::Role", Set.of("Arn", "RoleId"),
            "AWS::DynamoDB::Table", Set.of("Arn", "StreamArn"));

    private static final Set<String> TOP_LEVEL = Set.of("AWSTemplateFormatVersion", "Transform", "Description",
            "Parameters", "Resources", "Outputs", "Conditions", "Mappings", "Metadata");
    private static final Set<String> RESOURCE_KEYS = Set.of("Type", "Properties", "DependsOn", "DeletionPolicy",
            "UpdateReplacePolicy", "Condition", "Metadata");
    private static final Pattern LOGICAL_ID = Pattern.compile("[A-Za-z0-9]{1,255}");
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^!}][^}]*)}");

    final Map<String, Object> template;
    final Map<String, Map<String, Object>> parameters;
    final Map<String, Map<String, Object>> resources;

    @SuppressWarnings("unchecked")
    CloudFormationTemplate(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            template = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        }
        parameters = (Map<String, Map<String, Object>>) template.getOrDefault("Parameters", Map.of());
        resources = expandForEach((Map<String, Object>) template.get("Resources"));
    }

    /** The resources of a type, by logical id. */
    Map<String, Map<String, Object>> ofType(String type) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        resources.forEach((id, r) -> {
            if (type.equals(r.get("Type"))) {
                found.put(id, r);
            }
        });
        return found;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> properties(Map<String, Object> resource) {
        return (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
    }

    /** The parameter's default, or the value itself when it is not a Ref to a parameter. */
    Object resolve(Object value) {
        if (value instanceof Map<?, ?> map && map.size() == 1 && map.get("Ref") instanceof String name
                && parameters.containsKey(name)) {
            return parameters.get(name).get("Default");
        }
        return value;
    }

    /** The logical id a {@code Fn::GetAtt} or {@code Ref} points to. */
    static String target(Object value) {
        if (value instanceof Map<?, ?> map && map.get("Fn::GetAtt") instanceof List<?> getAtt) {
            return (String) getAtt.get(0);
        }
        if (value instanceof Map<?, ?> map && map.get("Ref") instanceof String ref) {
            return ref;
        }
        throw new IllegalArgumentException("not a Ref or GetAtt: " + value);
    }

    /** Everything wrong with the template's structure; empty when it is sound. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        template.keySet().stream().filter(k -> !TOP_LEVEL.contains(k)).forEach(k -> problems.add("unknown section " + k));
        if (!"2010-09-09".equals(String.valueOf(template.get("AWSTemplateFormatVersion")))) {
            problems.add("AWSTemplateFormatVersion must be 2010-09-09");
        }
        parameters.forEach((name, p) -> {
            if (p.get("Type") == null) {
                problems.add("parameter " + name + " has no Type");
            }
        });
        resources.forEach((id, r) -> {
            if (!LOGICAL_ID.matcher(id).matches()) {
                problems.add("logical id " + id + " is not alphanumeric");
            }
            r.keySet().stream().filter(k -> !RESOURCE_KEYS.contains(k))
                    .forEach(k -> problems.add(id + ": unknown resource attribute " + k));
            String type = (String) r.get("Type");
            List<String> required = KNOWN_TYPES.get(type);
            if (required == null) {
                problems.add(id + ": unknown resource type " + type);
            } else {
                required.stream().filter(p -> !properties(r).containsKey(p))
                        .forEach(p -> problems.add(id + " (" + type + "): required property " + p + " missing"));
            }
            Object dependsOn = r.get("DependsOn");
            for (Object d : dependsOn instanceof List<?> l ? l : dependsOn == null ? List.of() : List.of(dependsOn)) {
                if (!resources.containsKey(d)) {
                    problems.add(id + ": DependsOn " + d + " does not exist");
                }
            }
            checkIntrinsics(id, r.get("Properties"), Set.of(), problems);
        });
        checkIntrinsics("Outputs", template.get("Outputs"), Set.of(), problems);
        return problems;
    }

    private void checkIntrinsics(String where, Object node, Set<String> subVariables, List<String> problems) {
        if (node instanceof Map<?, ?> map) {
            if (map.size() == 1 && map.get("Ref") instanceof String ref) {
                if (!exists(ref)) {
                    problems.add(where + ": Ref " + ref + " does not exist");
                }
                return;
            }
            if (map.size() == 1 && map.containsKey("Fn::GetAtt")) {
                checkGetAtt(where, map.get("Fn::GetAtt"), problems);
                return;
            }
            if (map.size() == 1 && map.containsKey("Fn::Sub")) {
                checkSub(where, map.get("Fn::Sub"), problems);
                return;
            }
            map.forEach((k, v) -> {
                if (k instanceof String key && key.startsWith("Fn::") && !Set.of("Fn::Join", "Fn::Select", "Fn::If",
                        "Fn::Split", "Fn::GetAZs", "Fn::ToJsonString").contains(key)) {
                    problems.add(where + ": unsupported intrinsic " + key);
                }
                checkIntrinsics(where, v, subVariables, problems);
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> checkIntrinsics(where, item, subVariables, problems));
        }
    }

    private void checkGetAtt(String where, Object getAtt, List<String> problems) {
        if (!(getAtt instanceof List<?> parts) || parts.size() != 2) {
            problems.add(where + ": Fn::GetAtt must be [resource, attribute]: " + getAtt);
            return;
        }
        Map<String, Object> target = resources.get(parts.get(0));
        if (target == null) {
            problems.add(where + ": GetAtt " + parts.get(0) + " does not exist");
            return;
        }
        Set<String> known = ATTRIBUTES.getOrDefault((String) target.get("Type"), Set.of());
        if (!known.contains(parts.get(1))) {
            problems.add(where + ": GetAtt " + parts.get(0) + "." + parts.get(1) + " is not an attribute of "
                    + target.get("Type"));
        }
    }

    private void checkSub(String where, Object sub, List<String> problems) {
        String text;
        Map<?, ?> variables = Map.of();
        if (sub instanceof String s) {
            text = s;
        } else if (sub instanceof List<?> list && list.size() == 2 && list.get(1) instanceof Map<?, ?> vars) {
            text = (String) list.get(0);
            variables = vars;
            checkIntrinsics(where, vars, Set.of(), problems);
        } else {
            problems.add(where + ": Fn::Sub must be a string or [string, variables]");
            return;
        }
        Matcher m = SUB_VARIABLE.matcher(text);
        while (m.find()) {
            String name = m.group(1);
            if (variables.containsKey(name)) {
                continue;
            }
            int dot = name.indexOf('.');
            if (dot < 0) {
                if (!exists(name)) {
                    problems.add(where + ": Sub variable ${" + name + "} does not exist");
                }
            } else {
                checkGetAtt(where, List.of(name.substring(0, dot), name.substring(dot + 1)), problems);
            }
        }
    }

    private boolean exists(String name) {
        return parameters.containsKey(name) || resources.containsKey(name) || name.startsWith("AWS::");
    }

    /**
     * {@code Fn::ForEach::<loop>: [Identifier, collection, {OutputKey&{Identifier}: fragment}]}: one copy per item, with
     * {@code ${Identifier}} in Subs and {@code Ref: Identifier} replaced by the item, {@code &{Identifier}} in keys
     * by the item without non-alphanumerics.
     */
    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> expandForEach(Map<String, Object> raw) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        raw.forEach((key, value) -> {
            if (!key.startsWith("Fn::ForEach::")) {
                out.put(key, (Map<String, Object>) value);
                return;
            }
            List<Object> loop = (List<Object>) value;
            String identifier = (String) loop.get(0);
            Object collection = resolve(loop.get(1));
            List<String> items = collection instanceof String s ? List.of(s.split(",")) : (List<String>) collection;
            Map<String, Object> fragment = (Map<String, Object>) loop.get(2);
            for (String item : items) {
                fragment.forEach((outKey, body) -> out.put(
                        outKey.replace("&{" + identifier + "}", item.replaceAll("[^A-Za-z0-9]", ""))
                                .replace("${" + identifier + "}", item),
                        (Map<String, Object>) substitute(body, identifier, item)));
            }
        });
        return out;
    }

    private static Object substitute(Object node, String identifier, String item) {
        if (node instanceof Map<?, ?> map) {
            if (map.size() == 1 && identifier.equals(map.get("Ref"))) {
                return item;
            }
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, substitute(v, identifier, item)));
            return copy;
        }
        if (node instanceof List<?> list) {
            return list.stream().map(v -> substitute(v, identifier, item)).toList();
        }
        if (node instanceof String s) {
            return s.replace("${" + identifier + "}", item);
        }
        return node;
    }
}
