applications = {"/x": 42}
