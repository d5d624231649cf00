package io.reactivemicro.benchmarks.spring;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The {@code spring-rsocket} server: a Spring Boot application with no web server whose RSocket server
 * (TCP, on 127.0.0.1) serves {@link SpringBenchController}, configured by Spring Boot's RSocket
 * auto-configuration as a Spring application would be: its Jackson {@code JsonMapper}, its
 * {@code RSocketStrategies} and {@code RSocketMessageHandler}, Reactor Netty's global event loops.
 */
@SpringBootApplication
public class SpringBenchApplication {

  /**
   * Starts the application.
   *
   * @return the running application; {@link #port} tells its RSocket server's port
   */
  public static ConfigurableApplicationContext start() {
    SpringApplication application = new SpringApplication(SpringBenchApplication.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    application.setDefaultProperties(Map.of(
        "spring.rsocket.server.address", "127.0.0.1",
        "spring.rsocket.server.port", "0",
        "spring.rsocket.server.transport", "tcp",
        // Standard output carries the benchmark server's answers: no banner there.
        "spring.main.banner-mode", "off"));
    return application.run();
  }

  /**
   * Returns the port the application's RSocket server listens on.
   *
   * @param context the running application
   * @return the port
   */
  public static int port(ConfigurableApplicationContext context) {
    Integer port = context.getEnvironment().getProperty("local.rsocket.server.port", Integer.class);
    if (port == null) {
      throw new IllegalStateException("the RSocket server of the Spring application did not start");
    }
    return port;
  }
}
