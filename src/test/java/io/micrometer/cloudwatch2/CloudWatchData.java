package io.micrometer.cloudwatch2;

import java.util.List;

import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;

/** Test access to what the CloudWatch registry would send next (package-private in Micrometer), without calling AWS. */
public final class CloudWatchData {

    private CloudWatchData() {
    }

    public static List<MetricDatum> of(CloudWatchMeterRegistry registry) {
        return registry.metricData();
    }
}
