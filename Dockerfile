# MangaAssist Integration: the application image (docker-compose.yml runs it with the localstack profile; on AWS the
# Deployment of ops/kubernetes/mangaassist.yaml runs it with the aws profile).
# Layered: dependencies change rarely, the application often; each is its own image layer, so a rebuild after a code
# change ships only the last one.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY src/ src/
RUN ./mvnw -B -ntp -DskipTests package \
 && java -Djarmode=tools -jar target/mangaassist-integration-*.jar extract --layers --launcher --destination /layers

FROM eclipse-temurin:17-jre
# not root: a fixed uid/gid that Kubernetes' runAsNonRoot can check
RUN groupadd --system --gid 10001 mangaassist && useradd --system --uid 10001 --gid mangaassist --no-create-home mangaassist
WORKDIR /app
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
USER 10001:10001
# 8080: HTTP (REST, chat page, actuator); 8081: the chat WebSocket (vertx-websocket runs its own server)
EXPOSE 8080 8081
# G1HeapRegionSize=8m: the AWS SDK's 2 MB Bedrock stream buffers are not humongous objects (README, "Operate it");
# the heap follows the container's memory limit
ENV JAVA_TOOL_OPTIONS="-XX:G1HeapRegionSize=8m -XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
