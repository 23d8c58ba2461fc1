package io.edgeswarm.dashboard;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The swarm dashboard: learns the membership from agents and shows it live. Never on the data path. */
@SpringBootApplication
public class EdgeswarmDashboardApplication {

    public static void main(String[] args) {
        SpringApplication.run(EdgeswarmDashboardApplication.class, args);
    }
}
