package mangaassist.devstack.eventbridge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.event.ruler.Machine;
import software.amazon.event.ruler.RuleCompiler;

/**
 * The emulator's state: event buses, their rules (patterns compiled by AWS Event Ruler, the engine behind EventBridge)
 * and each rule's targets. Every method is synchronized: the event loop and the tests' threads share it.
 */
final class EventBuses {

    static final String DEFAULT_BUS = "default";

    record Target(String id, String arn, String input, String inputPath, String messageGroupId) {
    }

    static final class Rule {
        final String name;
        final String eventPattern;
        final String state;
        final String description;
        final Map<String, Target> targets = new LinkedHashMap<>();

        Rule(String name, String eventPattern, String state, String description) {
            this.name = name;
            this.eventPattern = eventPattern;
            this.state = state;
            this.description = description;
        }

        boolean enabled() {
            return !"DISABLED".equals(state);
        }
    }

    static final class Bus {
        final String name;
        final Map<String, Rule> rules = new LinkedHashMap<>();
        /** Rebuilt on every change of the bus's rules: rules change seldom, events are matched often. */
        Machine machine = new Machine();

        Bus(String name) {
            this.name = name;
        }
    }

    /** A rule matched by an event, with the targets it had at that moment. */
    record Match(String bus, String rule, List<Target> targets) {
    }

    private final String region;
    private final String account;
    private final Map<String, Bus> buses = new LinkedHashMap<>();

    EventBuses(String region, String account) {
        this.region = region;
        this.account = account;
        buses.put(DEFAULT_BUS, new Bus(DEFAULT_BUS));
    }

    String busArn(String bus) {
        return "arn:aws:events:" + region + ":" + account + ":event-bus/" + bus;
    }

    String ruleArn(String bus, String rule) {
        return "arn:aws:events:" + region + ":" + account + ":rule/" + (DEFAULT_BUS.equals(bus) ? "" : bus + "/") + rule;
    }

    /** A bus name or ARN (the SDK accepts both) to the name; null or empty is the default bus. */
    static String busName(String nameOrArn) {
        if (nameOrArn == null || nameOrArn.isEmpty()) {
            return DEFAULT_BUS;
        }
        int slash = nameOrArn.lastIndexOf("event-bus/");
        return slash >= 0 ? nameOrArn.substring(slash + "event-bus/".length()) : nameOrArn;
    }

    synchronized String createBus(String name) {
        if (buses.containsKey(name)) {
            throw new EventBridgeError(400, "ResourceAlreadyExistsException", "Event bus " + name + " already exists.");
        }
        if (!name.matches("[/.\\-_A-Za-z0-9]{1,256}")) {
            throw EventBridgeError.validation("1 validation error detected: Value '" + name
                    + "' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+");
        }
        buses.put(name, new Bus(name));
        return busArn(name);
    }

    synchronized void deleteBus(String name) {
        if (DEFAULT_BUS.equals(name)) {
            throw EventBridgeError.validation("Cannot delete event bus default.");
        }
        Bus bus = buses.get(name);
        if (bus != null && !bus.rules.isEmpty()) {
            throw EventBridgeError.validation("Cannot delete event bus " + name + " while it has rules.");
        }
        buses.remove(name);
    }

    synchronized List<String> busNames() {
        return List.copyOf(buses.keySet());
    }

    synchronized boolean hasBus(String name) {
        return buses.containsKey(name);
    }

    synchronized String putRule(String busName, String name, String pattern, String state, String description) {
        Bus bus = bus(busName);
        if (pattern == null || pattern.isBlank()) {
            // schedule expressions are not emulated: every rule here is an event-pattern rule
            throw EventBridgeError.validation("Parameter(s) EventPattern must be specified.");
        }
        String problem = RuleCompiler.check(pattern);
        if (problem != null) {
            throw new EventBridgeError(400, "InvalidEventPatternException", "Event pattern is not valid. Reason: " + problem);
        }
        Rule previous = bus.rules.get(name);
        Rule rule = new Rule(name, pattern, state == null ? "ENABLED" : state, description);
        if (previous != null) {
            rule.targets.putAll(previous.targets);
        }
        bus.rules.put(name, rule);
        rebuild(bus);
        return ruleArn(bus.name, name);
    }

    /** EnableRule / DisableRule: the same rule, another state. */
    synchronized void setState(String busName, String name, String state) {
        Bus bus = bus(busName);
        Rule rule = rule(busName, name);
        Rule changed = new Rule(rule.name, rule.eventPattern, state, rule.description);
        changed.targets.putAll(rule.targets);
        bus.rules.put(name, changed);
    }

    synchronized void deleteRule(String busName, String name) {
        Bus bus = bus(busName);
        Rule rule = bus.rules.get(name);
        if (rule == null) {
            return;   // as AWS: deleting a missing rule succeeds
        }
        if (!rule.targets.isEmpty()) {
            throw EventBridgeError.validation("Rule can't be deleted since it has targets.");
        }
        bus.rules.remove(name);
        rebuild(bus);
    }

    synchronized List<Rule> rules(String busName, String namePrefix) {
        return bus(busName).rules.values().stream()
                .filter(r -> namePrefix == null || r.name.startsWith(namePrefix)).toList();
    }

    synchronized Rule rule(String busName, String name) {
        Rule rule = bus(busName).rules.get(name);
        if (rule == null) {
            throw EventBridgeError.notFound("Rule " + name + " does not exist on EventBus " + busName + ".");
        }
        return rule;
    }

    synchronized void putTarget(String busName, String ruleName, Target target) {
        rule(busName, ruleName).targets.put(target.id(), target);
    }

    synchronized boolean removeTarget(String busName, String ruleName, String id) {
        return rule(busName, ruleName).targets.remove(id) != null;
    }

    synchronized List<Target> targets(String busName, String ruleName) {
        return List.copyOf(rule(busName, ruleName).targets.values());
    }

    /** The enabled rules of the bus that match the event (its envelope, as EventBridge matches it). */
    synchronized List<Match> match(String busName, String envelopeJson) throws Exception {
        Bus bus = bus(busName);
        List<Match> matches = new ArrayList<>();
        for (String name : bus.machine.rulesForJSONEvent(envelopeJson)) {
            Rule rule = bus.rules.get(name);
            if (rule != null && rule.enabled()) {
                matches.add(new Match(bus.name, name, List.copyOf(rule.targets.values())));
            }
        }
        return matches;
    }

    synchronized void reset() {
        buses.keySet().removeIf(name -> !DEFAULT_BUS.equals(name));
        buses.put(DEFAULT_BUS, new Bus(DEFAULT_BUS));
    }

    private Bus bus(String name) {
        Bus bus = buses.get(name);
        if (bus == null) {
            throw EventBridgeError.notFound("Event bus " + name + " does not exist.");
        }
        return bus;
    }

    private static void rebuild(Bus bus) {
        Machine machine = new Machine();
        for (Rule rule : bus.rules.values()) {
            try {
                machine.addRule(rule.name, rule.eventPattern);
            } catch (Exception e) {
                throw new EventBridgeError(400, "InvalidEventPatternException", "Event pattern is not valid. Reason: " + e.getMessage());
            }
        }
        bus.machine = machine;
    }
}
