applications = {"/y": "dictnothere:app"}
