package io.edgeswarm.agent.config;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans every capability shares. */
@Configuration(proxyBeanMethods = false)
class AgentConfiguration {

    @Bean
    NodeIdentity nodeIdentity(EdgeswarmProperties properties) {
        return NodeIdentity.from(properties);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
