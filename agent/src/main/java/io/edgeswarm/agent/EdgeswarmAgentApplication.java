package io.edgeswarm.agent;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of one Edgeswarm agent: chunk store, HTTP chunk API and (later) gossip and swarm transfers. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class EdgeswarmAgentApplication {

    public static void main(String[] args) {
        SpringApplication.run(EdgeswarmAgentApplication.class, args);
    }
}
