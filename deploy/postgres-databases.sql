-- compose.yaml's PostgreSQL: each node its own database (nodes never share one)
CREATE DATABASE proposals;
CREATE DATABASE workflows;
