package mm.web.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The login of the web console, PID {@value #PID} (docs/web.md). */
@ObjectClassDefinition(name = "mmkit web console login",
        description = "The user and password of the web profile's console; no password: one is generated at start")
@interface WebConfig {
    String PID = "mm.web";

    @AttributeDefinition(description = "user name")
    String user() default "admin";

    @AttributeDefinition(type = AttributeType.PASSWORD,
            description = "password; empty: a new one is generated at every start and printed with the URL")
    String password() default "";
}
