// Run once by the mongo image when its data volume is empty (/docker-entrypoint-initdb.d), as the
// root user: the services' own user, with read and write on their four databases and nothing else.
const prefix = process.env.THIDUA_MONGO_DB_PREFIX || "thidua";
db.getSiblingDB("admin").createUser({
  user: "thidua",
  pwd: process.env.THIDUA_MONGO_PASSWORD,
  roles: ["intake", "scoring", "notify", "reporting"].map((service) => ({ role: "readWrite", db: `${prefix}_${service}` })),
});
