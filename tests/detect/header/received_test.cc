#include "detect/header/received.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/text.h"
#include "support/test_support.h"

namespace kagami::detect {
namespace {

// Independent of the code under test: the standard library's own calendar.
std::int64_t utc_of(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
    using namespace std::chrono;
    const sys_days day{year{y} / month{mo} / ::std::chrono::day{d}};
    return std::int64_t(day.time_since_epoch().count()) * 86400 + h * 3600 + mi * 60 + s;
}

MailDate must_parse(std::string_view s) {
    auto d = parse_mail_date(s);
    EXPECT_TRUE(d.has_value()) << s;
    return d.value_or(MailDate{});
}

// ---- parse_mail_date ----------------------------------------------------------------------

TEST(ParseMailDate, ReadsTheRfc5322Form) {
    const MailDate d = must_parse("Tue, 1 Jan 2019 00:00:00 +0900");
    EXPECT_EQ(d.utc, utc_of(2018, 12, 31, 15));
    EXPECT_EQ(d.offset_minutes, 540);
    EXPECT_TRUE(d.offset_known);
    EXPECT_EQ(must_parse("Fri, 08 Sep 2023 05:47:04 -0430").utc, utc_of(2023, 9, 8, 10, 17, 4));
    EXPECT_EQ(must_parse("Fri, 08 Sep 2023 05:47:04 -0430").offset_minutes, -270);
}

TEST(ParseMailDate, IgnoresTrailingCommentsAndFolding) {
    EXPECT_EQ(must_parse("Tue, 1 Jan 2019 00:00:00 +0900 (JST)").utc, utc_of(2018, 12, 31, 15));
    EXPECT_EQ(must_parse("Tue, 1 Jan 2019\r\n 00:00:00 +0900").utc, utc_of(2018, 12, 31, 15));
    EXPECT_EQ(must_parse("  Tue, (a (nested) comment) 1 Jan 2019 00:00:00 +0900  ").utc,
              utc_of(2018, 12, 31, 15));
    EXPECT_EQ(must_parse("Mon, 25 Sep 2023 20:29:51 -0300 (-03)").offset_minutes, -180);
    EXPECT_EQ(must_parse("Tue, 9 May 2023 18:11:22 -0300 (envelope-from <a@b.example>)").utc,
              utc_of(2023, 5, 9, 21, 11, 22));
}

TEST(ParseMailDate, AcceptsMissingMisspelledOrForeignWeekdays) {
    const std::int64_t want = utc_of(2019, 1, 1);
    EXPECT_EQ(must_parse("1 Jan 2019 00:00:00 +0000").utc, want);
    EXPECT_EQ(must_parse("Tue 1 Jan 2019 00:00:00 +0000").utc, want);
    EXPECT_EQ(must_parse("Tues, 1 Jan 2019 00:00:00 +0000").utc, want);
    EXPECT_EQ(must_parse("Wed, 1 Jan 2019 00:00:00 +0000").utc, want);       // wrong weekday
    EXPECT_EQ(must_parse("\xc2\xf2, 1 Jan 2019 00:00:00 +0000").utc, want);  // cp1251 "Вт"
    EXPECT_EQ(must_parse("Mar, 1 Jan 2019 00:00:00 +0000").utc, want);       // Spanish "martes"
    EXPECT_EQ(must_parse("Tue,1 Jan 2019 00:00:00 +0000").utc, want);
}

TEST(ParseMailDate, ExpandsTwoAndThreeDigitYearsPerRfc5322) {
    EXPECT_EQ(must_parse("1 Jan 19 00:00:00 +0000").utc, utc_of(2019, 1, 1));
    EXPECT_EQ(must_parse("1 Jan 49 00:00:00 +0000").utc, utc_of(2049, 1, 1));
    EXPECT_EQ(must_parse("1 Jan 99 00:00:00 +0000").utc, utc_of(1999, 1, 1));
    EXPECT_EQ(must_parse("1 Jan 70 00:00:00 +0000").utc, 0);
    EXPECT_EQ(must_parse("1 Jan 119 00:00:00 +0000").utc, utc_of(2019, 1, 1));
    EXPECT_FALSE(parse_mail_date("1 Jan 50 00:00:00 +0000"));  // 1950: before the epoch
}

TEST(ParseMailDate, ReadsMonthNamesInAnyCase) {
    const std::int64_t want = utc_of(2019, 3, 5);
    EXPECT_EQ(must_parse("5 MAR 2019 00:00:00 +0000").utc, want);
    EXPECT_EQ(must_parse("5 mar 2019 00:00:00 +0000").utc, want);
    EXPECT_EQ(must_parse("5 March 2019 00:00:00 +0000").utc, want);
    EXPECT_EQ(must_parse("5 Sept 2019 00:00:00 +0000").utc, utc_of(2019, 9, 5));
    EXPECT_FALSE(parse_mail_date("5 Marchx 2019 00:00:00 +0000"));
    EXPECT_FALSE(parse_mail_date("5 Foo 2019 00:00:00 +0000"));
}

TEST(ParseMailDate, ReadsShortTimesAndFractions) {
    EXPECT_EQ(must_parse("Tue, 1 Jan 2019 09:05 +0000").utc, utc_of(2019, 1, 1, 9, 5));
    EXPECT_EQ(must_parse("Tue, 1 Jan 2019 9:05:07 +0000").utc, utc_of(2019, 1, 1, 9, 5, 7));
    EXPECT_EQ(must_parse("Sat, 18 Feb 2023 05:33:27.926 +0000 (UTC)").utc,
              utc_of(2023, 2, 18, 5, 33, 27));
    EXPECT_EQ(must_parse("31 Dec 2016 23:59:60 +0000").utc, utc_of(2017, 1, 1));  // leap second
}

TEST(ParseMailDate, ReadsNumericZones) {
    EXPECT_EQ(must_parse("1 Jan 2019 09:00:00 +09:00").offset_minutes, 540);
    EXPECT_EQ(must_parse("1 Jan 2019 09:00:00 +09:00").utc, utc_of(2019, 1, 1));
    EXPECT_EQ(must_parse("1 Jan 2019 05:30:00 +0530").utc, utc_of(2019, 1, 1));
    EXPECT_EQ(must_parse("1 Jan 2019 00:00:00 -1000").utc, utc_of(2019, 1, 1, 10));
    EXPECT_EQ(must_parse("1 Jan 2019 09:00:00 GMT+0900").utc, utc_of(2019, 1, 1));
    // Junk after a valid offset, as some mailers write it.
    const MailDate junk = must_parse("Sat, 01 Jun 2024 07:11:01 +0000-62495-238");
    EXPECT_EQ(junk.utc, utc_of(2024, 6, 1, 7, 11, 1));
}

TEST(ParseMailDate, MinusZeroMeansTheOffsetIsUnknown) {
    const MailDate d = must_parse("Tue, 1 Jan 2019 00:00:00 -0000");
    EXPECT_FALSE(d.offset_known);
    EXPECT_EQ(d.offset_minutes, 0);
    EXPECT_EQ(d.utc, utc_of(2019, 1, 1));
    EXPECT_TRUE(must_parse("Tue, 1 Jan 2019 00:00:00 +0000").offset_known);
}

TEST(ParseMailDate, KnowsUniversalAndObsoleteZoneNames) {
    for (const char* z : {"GMT", "UT", "UTC", "Z", "gmt"}) {
        const MailDate d = must_parse(std::string("1 Jan 2019 00:00:00 ") + z);
        EXPECT_EQ(d.utc, utc_of(2019, 1, 1)) << z;
        EXPECT_EQ(d.offset_minutes, 0) << z;
        EXPECT_TRUE(d.offset_known) << z;
    }
    const std::map<std::string, int> zones = {
        {"EST", -300}, {"EDT", -240}, {"CST", -360}, {"CDT", -300}, {"MST", -420}, {"MDT", -360},
        {"PST", -480}, {"PDT", -420}, {"JST", 540},  {"KST", 540},  {"CET", 60},   {"CEST", 120}};
    for (const auto& [name, minutes] : zones) {
        const MailDate d = must_parse("Tue, 1 Jan 2019 12:00:00 " + name);
        EXPECT_EQ(d.offset_minutes, minutes) << name;
        EXPECT_TRUE(d.offset_known) << name;
        EXPECT_EQ(d.utc, utc_of(2019, 1, 1, 12) - minutes * 60) << name;
    }
}

TEST(ParseMailDate, TreatsMilitaryAndUnknownZonesAsMinusZero) {
    for (const char* z : {"A", "M", "N", "Y", "XYZT", ""}) {
        const MailDate d = must_parse(std::string("Tue, 1 Jan 2019 12:00:00 ") + z);
        EXPECT_FALSE(d.offset_known) << z;
        EXPECT_EQ(d.utc, utc_of(2019, 1, 1, 12)) << z;
    }
}

TEST(ParseMailDate, ReadsAsctimeDateCommandAndIsoForms) {
    EXPECT_EQ(must_parse("Tue Jan  1 09:00:00 2019").utc, utc_of(2019, 1, 1, 9));
    EXPECT_EQ(must_parse("Tue Jan  1 09:00:00 JST 2019").utc, utc_of(2019, 1, 1));
    EXPECT_EQ(must_parse("Jan 1 2019 09:00:00 +0900").utc, utc_of(2019, 1, 1));
    EXPECT_EQ(must_parse("1-Jan-2019 09:00:00 +0900").utc, utc_of(2019, 1, 1));
    EXPECT_EQ(must_parse("2019-01-01T09:00:00+09:00").utc, utc_of(2019, 1, 1));
    EXPECT_EQ(must_parse("2019-01-01T00:00:00Z").utc, utc_of(2019, 1, 1));
    EXPECT_EQ(must_parse("2023-04-14 05:49:07.814170628 +0000 UTC m=+4428975.6").utc,
              utc_of(2023, 4, 14, 5, 49, 7));
}

TEST(ParseMailDate, RejectsImpossibleValues) {
    for (const char* s : {
             "Tue, 40 Jan 2019 00:00:00 +0000", "Tue, 0 Jan 2019 00:00:00 +0000",
             "Tue, 1 Jan 2019 25:00:00 +0000",  "Tue, 1 Jan 2019 24:00:00 +0000",
             "Tue, 1 Jan 2019 23:60:00 +0000",  "Tue, 1 Jan 2019 23:59:61 +0000",
             "31 Apr 2019 00:00:00 +0000",      "29 Feb 2019 00:00:00 +0000",
             "30 Feb 2020 00:00:00 +0000",      "29 Feb 2100 00:00:00 +0000",
             "2019-13-01 00:00:00 +0000",       "1 Jan 2019 00:00:00 +2500",
             "1 Jan 2019 00:00:00 +0960",       "31 Dec 1969 23:59:59 +0000",
             "1 Jan 10000 00:00:00 +0000",      "1 Jan 1 00:00:00 +0000",
             "1 Jan 2019 0000 +0000",           "1 Jan 2019 +0000",
             "1 Jan 2019 123:00:00 +0000",      "100 Jan 2019 00:00:00 +0000",
         })
        EXPECT_FALSE(parse_mail_date(s)) << s;
    EXPECT_TRUE(parse_mail_date("29 Feb 2020 00:00:00 +0000"));
    EXPECT_TRUE(parse_mail_date("29 Feb 2000 00:00:00 +0000"));
    EXPECT_TRUE(parse_mail_date("31 Dec 9999 23:59:59 +0000"));
}

TEST(ParseMailDate, RejectsGarbageWithoutCrashing) {
    for (std::string_view s :
         {"", "   ", ",,,", "11-09-2023", "_smtpDate . 286071244", "(only a comment)",
          "(unterminated", "Tue, 1 Jan", "Tue", "1 Jan", "1 Jan 2019", "\\", "))))(((("})
        EXPECT_FALSE(parse_mail_date(s)) << s;
    std::string nul("1 Jan 2019 00:00:00 +0000");
    nul[6] = '\0';
    EXPECT_FALSE(parse_mail_date(nul));
}

TEST(ParseMailDate, StaysBoundedOnHugeHostileInput) {
    EXPECT_FALSE(parse_mail_date(std::string(1 << 20, '(')));
    EXPECT_FALSE(parse_mail_date(std::string(1 << 20, '1')));
    std::string many;
    for (int i = 0; i < 100000; ++i) many += "Tue, ";
    EXPECT_FALSE(parse_mail_date(many));
    // A valid date followed by a megabyte of junk still parses from its head.
    EXPECT_TRUE(parse_mail_date("1 Jan 2019 00:00:00 +0000 " + std::string(1 << 20, 'x')));
}

TEST(ParseMailDate, IsSafeToCallFromSeveralThreads) {
    std::vector<std::thread> threads;
    std::vector<int> bad(4, 0);
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([t, &bad] {
            for (int i = 0; i < 2000; ++i) {
                auto d = parse_mail_date("Tue, 1 Jan 2019 00:00:00 +0900 (JST)");
                if (!d || d->utc != 1546268400) ++bad[std::size_t(t)];
            }
        });
    for (auto& th : threads) th.join();
    for (int b : bad) EXPECT_EQ(b, 0);
}

// ---- iso8601_utc --------------------------------------------------------------------------

TEST(Iso8601Utc, FormatsKnownInstants) {
    EXPECT_EQ(iso8601_utc(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(iso8601_utc(1546268400), "2018-12-31T15:00:00Z");
    EXPECT_EQ(iso8601_utc(utc_of(2000, 2, 29, 23, 59, 59)), "2000-02-29T23:59:59Z");
    EXPECT_EQ(iso8601_utc(utc_of(9999, 12, 31, 23, 59, 59)), "9999-12-31T23:59:59Z");
    EXPECT_EQ(iso8601_utc(-1), "1969-12-31T23:59:59Z");
    EXPECT_EQ(iso8601_utc(-86400), "1969-12-31T00:00:00Z");
}

TEST(Iso8601Utc, AgreesWithTheStandardCalendarOverTheWholeRange) {
    using namespace std::chrono;
    for (std::int64_t day = -800; day < 2932896; day += 997) {
        const year_month_day ymd{sys_days{days{day}}};
        char want[40];
        std::snprintf(want, sizeof want, "%04d-%02u-%02uT01:02:03Z", int(ymd.year()),
                      unsigned(ymd.month()), unsigned(ymd.day()));
        ASSERT_EQ(iso8601_utc(day * 86400 + 3723), want) << day;
    }
}

TEST(Iso8601Utc, RoundTripsThroughParseMailDate) {
    const MailDate d = must_parse("Thu, 29 Feb 2024 23:30:00 -0530");
    EXPECT_EQ(iso8601_utc(d.utc), "2024-03-01T05:00:00Z");
}

TEST(Iso8601Utc, HandlesExtremeValuesWithoutCrashing) {
    EXPECT_FALSE(iso8601_utc(INT64_MAX / 2).empty());
    EXPECT_FALSE(iso8601_utc(INT64_MIN / 2).empty());
}

// ---- parse_received -----------------------------------------------------------------------

TEST(ParseReceived, ReadsPostfix) {
    const ReceivedHop h = parse_received(
        "from mail.example.com (mail.example.com [192.0.2.1]) by mx.example.net (Postfix) with "
        "ESMTPS id ABC for <a@b>; Tue, 1 Jan 2019 00:00:00 +0900 (JST)");
    EXPECT_EQ(h.from_host, "mail.example.com");
    EXPECT_EQ(h.from_rdns, "mail.example.com");
    EXPECT_EQ(h.from_ip, "192.0.2.1");
    EXPECT_EQ(h.by_host, "mx.example.net");
    EXPECT_EQ(h.with, "ESMTPS");
    ASSERT_TRUE(h.date);
    EXPECT_EQ(h.date->utc, utc_of(2018, 12, 31, 15));
    EXPECT_EQ(h.date->offset_minutes, 540);
}

TEST(ParseReceived, PostfixUnknownReverseDnsLeavesRdnsEmpty) {
    const ReceivedHop h = parse_received(
        "from User (unknown [147.78.103.133]) by mx102.rack66.net (Postfix) with SMTP id "
        "AC33642A93; Tue, 11 Jul 2023 18:32:08 +0200 (CEST)");
    EXPECT_EQ(h.from_host, "user");
    EXPECT_EQ(h.from_rdns, "");
    EXPECT_EQ(h.from_ip, "147.78.103.133");
    EXPECT_EQ(h.by_host, "mx102.rack66.net");
    EXPECT_EQ(h.with, "SMTP");
    ASSERT_TRUE(h.date);
    EXPECT_EQ(h.date->offset_minutes, 120);
}

TEST(ParseReceived, SkipsPostfixTlsCommentsThatContainKeywords) {
    const ReceivedHop h = parse_received(
        "from mail.dichvu.bid (mail.giare.de [154.19.184.7]) (using TLSv1.3 with cipher "
        "TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS "
        "(4096 bits) server-digest SHA256) (No client certificate requested) by "
        "mailin110.protonmail.ch (Postfix) with ESMTPS id 4bS9SG3RT0z3p for <x@protonmail.ch>; "
        "Wed, 1 Jan 2025 10:00:00 +0000 (UTC)");
    EXPECT_EQ(h.from_host, "mail.dichvu.bid");
    EXPECT_EQ(h.from_rdns, "mail.giare.de");
    EXPECT_EQ(h.from_ip, "154.19.184.7");
    EXPECT_EQ(h.by_host, "mailin110.protonmail.ch");
    EXPECT_EQ(h.with, "ESMTPS");
    EXPECT_TRUE(h.date);
}

TEST(ParseReceived, ReadsSendmailWithIdentUser) {
    const ReceivedHop h = parse_received(
        "from helo.example.org (root@host.example.org [198.51.100.7] (may be forged)) by "
        "relay.example.net (8.15.2/8.15.2) with ESMTP id x01ABCD123456 for <user@example.net>; "
        "Tue, 1 Jan 2019 10:00:00 -0500");
    EXPECT_EQ(h.from_host, "helo.example.org");
    EXPECT_EQ(h.from_rdns, "host.example.org");
    EXPECT_EQ(h.from_ip, "198.51.100.7");
    EXPECT_EQ(h.by_host, "relay.example.net");
    EXPECT_EQ(h.with, "ESMTP");
    ASSERT_TRUE(h.date);
    EXPECT_EQ(h.date->utc, utc_of(2019, 1, 1, 15));
}

TEST(ParseReceived, ReadsExchangeOnline) {
    const ReceivedHop h = parse_received(
        "from SN4PR0501CA0113.namprd05.prod.outlook.com (2603:10b6:803:42::30) by "
        "PH7P223MB1014.NAMP223.PROD.OUTLOOK.COM (2603:10b6:510:2fa::6) with Microsoft SMTP "
        "Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id "
        "15.20.7202.24; Fri, 19 Jan 2024 03:24:45 +0000");
    EXPECT_EQ(h.from_host, "sn4pr0501ca0113.namprd05.prod.outlook.com");
    EXPECT_EQ(h.from_rdns, "");
    EXPECT_EQ(h.from_ip, "2603:10b6:803:42::30");
    EXPECT_EQ(h.by_host, "ph7p223mb1014.namp223.prod.outlook.com");
    EXPECT_EQ(h.with, "Microsoft SMTP Server");
    ASSERT_TRUE(h.date);
    EXPECT_EQ(h.date->utc, utc_of(2024, 1, 19, 3, 24, 45));

    const ReceivedHop v4 = parse_received(
        "from m143-100.mailgun.net (143.55.224.100) by SJ1PEPF000026C8.mail.protection."
        "outlook.com (10.167.244.105) with Microsoft SMTP Server (version=TLS1_3, "
        "cipher=TLS_AES_256_GCM_SHA384) id 15.20.8655.12 via Frontend Transport; Sun, 20 Apr "
        "2025 22:19:54 +0000");
    EXPECT_EQ(v4.from_ip, "143.55.224.100");
    EXPECT_EQ(v4.by_host, "sj1pepf000026c8.mail.protection.outlook.com");

    const ReceivedHop https = parse_received(
        "from CH4PR10MB8227.namprd10.prod.outlook.com (::1) by "
        "MW4PR10MB5749.namprd10.prod.outlook.com with HTTPS; Fri, 6 Mar 2026 03:02:41 +0000");
    EXPECT_EQ(https.from_ip, "::1");
    EXPECT_EQ(https.with, "HTTPS");

    const ReceivedHop mapi = parse_received(
        "from DX3PPFCB3BED71D.AREP273.PROD.OUTLOOK.COM ([fe80::3a0e:44ee:c446:4594]) by "
        "DX3PPFCB3BED71D.AREP273.PROD.OUTLOOK.COM ([fe80::3a0e:44ee:c446:4594%8]) with mapi id "
        "15.20.9320.021; Mon, 17 Nov 2025 09:50:08 +0000");
    EXPECT_EQ(mapi.from_ip, "fe80::3a0e:44ee:c446:4594");
    EXPECT_EQ(mapi.with, "mapi");
}

TEST(ParseReceived, ReadsGmailSubmissionAndPrefersTheTcpAddress) {
    const ReceivedHop h = parse_received(
        "from [192.168.1.2] ([203.0.113.4]) by smtp.gmail.com with ESMTPSA id "
        "a1-20020a170902ee0100b001a1b2c3d4e5sm1234567plb.1.2019.01.01.00.00.00 for <x@y.example> "
        "(version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256); Tue, 01 Jan 2019 "
        "00:00:00 -0800 (PST)");
    EXPECT_EQ(h.from_host, "[192.168.1.2]");
    EXPECT_EQ(h.from_ip, "203.0.113.4");
    EXPECT_EQ(h.by_host, "smtp.gmail.com");
    EXPECT_EQ(h.with, "ESMTPSA");
    ASSERT_TRUE(h.date);
    EXPECT_EQ(h.date->utc, utc_of(2019, 1, 1, 8));
}

TEST(ParseReceived, ReadsGmailMxFoldedOverLines) {
    const ReceivedHop h = parse_received(
        "from mail-io1-xd48.google.com (mail-io1-xd48.google.com. [2607:f8b0:4864:20::d48])\r\n"
        "        by mx.google.com with ESMTPS id q3-20020a056e0215c3si11239124ilu.121.2023\r\n"
        "        for <phish@pot>\r\n"
        "        (version=TLS1_3 cipher=TLS_AES_128_GCM_SHA256 bits=128/128);\r\n"
        "        Sun, 19 Feb 2023 13:25:29 -0800 (PST)");
    EXPECT_EQ(h.from_host, "mail-io1-xd48.google.com");
    EXPECT_EQ(h.from_rdns, "mail-io1-xd48.google.com");
    EXPECT_EQ(h.from_ip, "2607:f8b0:4864:20::d48");
    EXPECT_EQ(h.by_host, "mx.google.com");
    EXPECT_EQ(h.raw.find('\r'), std::string::npos);
    EXPECT_EQ(h.raw.find('\n'), std::string::npos);
    ASSERT_TRUE(h.date);
    EXPECT_EQ(h.date->offset_minutes, -480);

    const ReceivedHop internal = parse_received(
        "by 2002:a05:620a:400b:b0:759:555d:427d with SMTP id af79cd13be357-767325a0c91ms85a;"
        "        Sun, 2 Jul 2023 05:48:04 -0700 (PDT)");
    EXPECT_EQ(internal.from_host, "");
    EXPECT_EQ(internal.from_ip, "");
    EXPECT_EQ(internal.by_host, "2002:a05:620a:400b:b0:759:555d:427d");
    EXPECT_TRUE(internal.date);
}

TEST(ParseReceived, ReadsQmail) {
    const ReceivedHop only = parse_received(
        "(qmail 1234 invoked from network); 1 Jan 2019 "
        "00:00:00 -0000");
    EXPECT_EQ(only.from_host, "");
    EXPECT_EQ(only.by_host, "");
    ASSERT_TRUE(only.date);
    EXPECT_FALSE(only.date->offset_known);
    EXPECT_EQ(only.date->utc, utc_of(2019, 1, 1));

    const ReceivedHop h = parse_received(
        "from unknown (HELO kmta-worker-56475b68f9-5n7gd) "
        "(kmta-send@vmta.klaviyomail.com@10.0.130.91)  by kmta-mta-00d40.servers.example.com "
        "with SMTP; 24 Dec 2023 03:15:08 -0000");
    EXPECT_EQ(h.from_host, "kmta-worker-56475b68f9-5n7gd");
    EXPECT_EQ(h.from_rdns, "");
    EXPECT_EQ(h.from_ip, "10.0.130.91");
    EXPECT_EQ(h.by_host, "kmta-mta-00d40.servers.example.com");
    EXPECT_EQ(h.with, "SMTP");

    const ReceivedHop named = parse_received(
        "from mail.example.org (HELO bogus.example) (198.51.100.9) by mx.example.net with SMTP; "
        "1 Jan 2019 00:00:00 -0000");
    EXPECT_EQ(named.from_host, "bogus.example");
    EXPECT_EQ(named.from_rdns, "mail.example.org");
    EXPECT_EQ(named.from_ip, "198.51.100.9");
}

TEST(ParseReceived, ReadsExim) {
    const ReceivedHop h = parse_received(
        "from [10.0.0.1] (helo=foo) by bar with esmtp (Exim 4.92) (envelope-from <x@y>) id "
        "1abc-000; Tue, 01 Jan 2019 00:00:00 +0000");
    EXPECT_EQ(h.from_host, "foo");
    EXPECT_EQ(h.from_rdns, "");
    EXPECT_EQ(h.from_ip, "10.0.0.1");
    EXPECT_EQ(h.by_host, "bar");
    EXPECT_EQ(h.with, "esmtp");
    ASSERT_TRUE(h.date);

    const ReceivedHop verified = parse_received(
        "from mail.example.com ([192.0.2.1]:41234 helo=Foo.Example) by mx.example.net with "
        "esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.94.2) (envelope-from <a@b>) id "
        "1abc-0001; Tue, 01 Jan 2019 00:00:00 +0000");
    EXPECT_EQ(verified.from_host, "foo.example");
    EXPECT_EQ(verified.from_rdns, "mail.example.com");
    EXPECT_EQ(verified.from_ip, "192.0.2.1");
    EXPECT_EQ(verified.with, "esmtps");

    const ReceivedHop local = parse_received(
        "from tseximco by begedil.mschosting.com with local (Exim 4.98.2) (envelope-from "
        "<mailman@ts-exim.com>) id 1vTzBP-00000002z2s-3vhE for phishing@pot; Fri, 12 Dec 2025 "
        "17:11:32 +0800");
    EXPECT_EQ(local.from_host, "tseximco");
    EXPECT_EQ(local.from_ip, "");
    EXPECT_EQ(local.with, "local");
    ASSERT_TRUE(local.date);
    EXPECT_EQ(local.date->offset_minutes, 480);
}

TEST(ParseReceived, StripsTheIpv6TagFromLiterals) {
    const ReceivedHop h = parse_received(
        "from mail.example.org (mail.example.org [IPv6:2001:DB8::1]) by mx.example.net "
        "(Postfix) with ESMTPS id 4Abc; Tue, 1 Jan 2019 00:00:00 +0000");
    EXPECT_EQ(h.from_ip, "2001:db8::1");
    const ReceivedHop lit = parse_received(
        "from [IPv6:2001:db8::5] (unknown [IPv6:2001:db8::6]) by mx.example.net with ESMTP; "
        "Tue, 1 Jan 2019 00:00:00 +0000");
    EXPECT_EQ(lit.from_ip, "2001:db8::6");
    const ReceivedHop helo_only = parse_received("from [IPv6:2001:db8::5] by mx.example.net");
    EXPECT_EQ(helo_only.from_ip, "2001:db8::5");
}

TEST(ParseReceived, ReadsAddressesWithPortsAndRepeatedAddressesAsNames) {
    const ReceivedHop sp = parse_received(
        "from [10.88.0.1] ([44.240.246.80:4237] helo=[10.88.121.130]) by "
        "i-016f.mta2vsmtp.sd.prd.sparkpost (envelope-from <a@b>) with ESMTPSA; Fri, 29 Nov 2024 "
        "07:17:55 +0000");
    EXPECT_EQ(sp.from_ip, "44.240.246.80");
    EXPECT_EQ(sp.from_host, "[10.88.121.130]");
    const ReceivedHop zoho = parse_received(
        "from [10.47.36.165] (10.47.36.165 [10.47.36.165]) by mx.zohomail.com with SMTPS id 1; "
        "Sun, 24 Dec 2023 10:52:10 -0800 (PST)");
    EXPECT_EQ(zoho.from_rdns, "");
    EXPECT_EQ(zoho.from_ip, "10.47.36.165");
}

TEST(ParseReceived, ReadsABareBracketedAddressAfterTheHost) {
    const ReceivedHop h = parse_received(
        "from mtu23.bigping.com [47.26.142.192] by mail.gimmicc.net with SMTP; Fri, 12 Jul 2024 "
        "15:43:26 +0200");
    EXPECT_EQ(h.from_host, "mtu23.bigping.com");
    EXPECT_EQ(h.from_ip, "47.26.142.192");
    EXPECT_EQ(h.by_host, "mail.gimmicc.net");
}

TEST(ParseReceived, RejectsThingsThatOnlyLookLikeAddresses) {
    for (const char* lit :
         {"999.1.1.1", "1.2.3", "not-an-ip", "1.2.3.4.5", "::g", "", "1.2.3.04"}) {
        const ReceivedHop h = parse_received(std::string("from host (host [") + lit +
                                             "]) by mx.example.net; 1 Jan 2019 00:00:00 +0000");
        EXPECT_EQ(h.from_ip, "") << lit;
    }
}

TEST(ParseReceived, FindsTheDateWhenTheSemicolonIsMissing) {
    const ReceivedHop sg = parse_received(
        "from MTMxNjc5NTQ (unknown) by geopod-ismtpd-0 (SG) with HTTP id USPP9TOgSja8rIXka996_A "
        "Fri, 28 Jul 2023 19:32:25.608 +0000 (UTC)");
    EXPECT_EQ(sg.by_host, "geopod-ismtpd-0");
    EXPECT_EQ(sg.with, "HTTP");
    ASSERT_TRUE(sg.date);
    EXPECT_EQ(sg.date->utc, utc_of(2023, 7, 28, 19, 32, 25));

    const ReceivedHop go = parse_received(
        "by filterdrecv-5759ff577c-b8tzs with SMTP id filterdrecv-5759ff577c-b8tzs-1-6438E953-3B"
        "        2023-04-14 05:49:07.814170628 +0000 UTC m=+4428975.608071969");
    ASSERT_TRUE(go.date);
    EXPECT_EQ(go.date->utc, utc_of(2023, 4, 14, 5, 49, 7));

    EXPECT_FALSE(parse_received("from a by b with SMTP id 12345").date);
}

TEST(ParseReceived, UsesTheLastSemicolonOutsideComments) {
    const ReceivedHop h = parse_received(
        "from a.example (a.example [192.0.2.5]) by b.example (x; y) with SMTP id 1; Tue, 1 Jan "
        "2019 00:00:00 +0000 (comment; with a semicolon)");
    EXPECT_EQ(h.with, "SMTP");
    EXPECT_EQ(h.from_ip, "192.0.2.5");
    ASSERT_TRUE(h.date);
    EXPECT_EQ(h.date->utc, utc_of(2019, 1, 1));

    const ReceivedHop two = parse_received("from a by b; id 1; Tue, 1 Jan 2019 00:00:00 +0000");
    ASSERT_TRUE(two.date);
    EXPECT_EQ(two.by_host, "b");
}

TEST(ParseReceived, LeavesUnknownPartsEmptyOnGarbage) {
    for (std::string_view s : {"", ";", ";;;", "(", ")", "from", "from (", "by", "with", "from [",
                               "from [1.2.3.4", "\\", "(((((((", "from a (b [1.2.3.4]"}) {
        const ReceivedHop h = parse_received(s);
        EXPECT_FALSE(h.date) << s;
    }
    const ReceivedHop h = parse_received("from a (b [1.2.3.4]");  // unterminated comment
    EXPECT_EQ(h.from_ip, "1.2.3.4");
    EXPECT_EQ(h.from_rdns, "b");
}

TEST(ParseReceived, StaysBoundedOnHugeHostileInput) {
    std::string deep(1 << 20, '(');
    EXPECT_FALSE(parse_received(deep).date);
    EXPECT_LE(parse_received(deep).raw.size(), 64u * 1024);

    std::string many;
    for (int i = 0; i < 50000; ++i) many += "from x by y with z ";
    many += "; Tue, 1 Jan 2019 00:00:00 +0000";
    const ReceivedHop h = parse_received(many);
    EXPECT_LE(h.with.size(), 80u);
    EXPECT_LE(h.raw.size(), 64u * 1024);

    std::string semis(1 << 20, ';');
    EXPECT_FALSE(parse_received(semis).date);
    std::string words;
    for (int i = 0; i < 200000; ++i) words += "a ";
    EXPECT_FALSE(parse_received(words).date);
    std::string brackets(1 << 20, '[');
    EXPECT_EQ(parse_received("from " + brackets).from_ip, "");
}

// ---- real corpus --------------------------------------------------------------------------

struct Header {
    std::string name;   // lower-case
    std::string value;  // folded, as in the file
};

// Header block only: continuation lines are joined (with their line breaks kept) until the
// first empty line.
std::vector<Header> read_headers(const std::string& msg) {
    std::vector<Header> out;
    std::size_t pos = 0;
    while (pos < msg.size()) {
        std::size_t eol = msg.find('\n', pos);
        if (eol == std::string::npos) eol = msg.size();
        std::string_view line(msg.data() + pos, eol - pos);
        const std::size_t next = eol + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) break;
        if ((line[0] == ' ' || line[0] == '\t') && !out.empty()) {
            out.back().value += "\r\n";
            out.back().value += line;
        } else {
            const std::size_t colon = line.find(':');
            if (colon != std::string_view::npos)
                out.push_back({core::to_lower(core::trim(line.substr(0, colon))),
                               std::string(line.substr(colon + 1))});
        }
        pos = next;
    }
    return out;
}

std::filesystem::path phishing_pot() {
    return test::corpora_dir() / "phishing_pot";
}

// Python's normalised "Fri, 08 Sep 2023 05:47:04 +0000"; nullopt when Python kept the raw
// text because it could not parse it.
struct OracleDate {
    std::int64_t wall;  // the written clock time, as if it were UTC
    int offset;         // minutes
    bool naive;         // "-0000": Python had no offset
};

std::optional<OracleDate> oracle_date(const std::string& s) {
    static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char wd[4], mon[4], sign;
    int d, y, h, mi, sec, zh, zm, used = 0;
    if (std::sscanf(s.c_str(), "%3[A-Za-z], %d %3s %d %d:%d:%d %c%2d%2d%n", wd, &d, mon, &y, &h,
                    &mi, &sec, &sign, &zh, &zm, &used) != 10 ||
        std::size_t(used) != s.size())
        return std::nullopt;
    unsigned m = 0;
    for (unsigned i = 0; i < 12; ++i)
        if (std::string_view(mon) == kMonths[i]) m = i + 1;
    if (m == 0) return std::nullopt;
    const int off = (sign == '-' ? -1 : 1) * (zh * 60 + zm);
    return OracleDate{utc_of(y, m, unsigned(d), h, mi, sec), off,
                      sign == '-' && zh == 0 && zm == 0};
}

TEST(ParseMailDateCorpus, AgreesWithPythonOnPhishingPot) {
    const auto dir = phishing_pot();
    std::ifstream oracle(dir / "derived" / "python_email_oracle.jsonl");
    if (!std::filesystem::exists(dir / "email") || !oracle) GTEST_SKIP() << "corpus absent";
    std::map<std::string, std::string> want;
    for (std::string line; std::getline(oracle, line);) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_object() && j.contains("date") && j["date"].is_string())
            want[j["file"].get<std::string>()] = j["date"].get<std::string>();
    }
    int headers = 0, agreed = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir / "email")) {
        if (e.path().extension() != ".eml") continue;
        const std::string file = "email/" + e.path().filename().string();
        for (const Header& h : read_headers(test::read_file(e.path()))) {
            if (h.name != "date") continue;
            ++headers;
            const auto got = parse_mail_date(h.value);
            auto it = want.find(file);
            const auto py = it == want.end() ? std::nullopt : oracle_date(it->second);
            if (!py) {
                // Python could not read it either ("11-09-2023"); we only must not crash.
                break;
            }
            if (!got) {
                ADD_FAILURE() << file << ": cannot parse " << h.value;
                break;
            }
            if (py->naive) {
                EXPECT_EQ(got->utc + got->offset_minutes * 60, py->wall) << file << h.value;
                agreed += got->utc + got->offset_minutes * 60 == py->wall;
            } else {
                EXPECT_EQ(got->utc, py->wall - py->offset * 60) << file << h.value;
                EXPECT_EQ(got->offset_minutes, py->offset) << file << h.value;
                agreed += got->utc == py->wall - py->offset * 60;
            }
            break;  // the oracle describes the first Date header
        }
    }
    ASSERT_GT(headers, 0);
    std::printf("Date headers agreeing with Python: %d of %d\n", agreed, headers);
    EXPECT_GE(agreed * 100, headers * 95) << agreed << " of " << headers;
}

TEST(ParseReceivedCorpus, DatesMostHopsOfPhishingPot) {
    const auto dir = phishing_pot() / "email";
    if (!std::filesystem::exists(dir)) GTEST_SKIP() << "corpus absent";
    int with_semicolon = 0, dated = 0, with_ip = 0, with_from = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (e.path().extension() != ".eml") continue;
        for (const Header& h : read_headers(test::read_file(e.path()))) {
            if (h.name != "received") continue;
            const ReceivedHop hop = parse_received(h.value);
            EXPECT_EQ(hop.raw.find('\n'), std::string::npos);
            if (hop.raw.find(';') != std::string::npos) {
                ++with_semicolon;
                dated += hop.date.has_value();
            }
            if (core::istarts_with(hop.raw, "from ")) {
                ++with_from;
                with_ip += !hop.from_ip.empty();
            }
            EXPECT_EQ(hop.from_host, core::to_lower(hop.from_host));
            EXPECT_EQ(hop.by_host, core::to_lower(hop.by_host));
        }
    }
    ASSERT_GT(with_semicolon, 0);
    std::printf("Received: %d of %d dated, %d of %d \"from\" clauses with an IP\n", dated,
                with_semicolon, with_ip, with_from);
    EXPECT_GE(dated * 100, with_semicolon * 90) << dated << " of " << with_semicolon;
    // Most "from" clauses name the client's address; a sanity floor, not a target.
    EXPECT_GE(with_ip * 100, with_from * 80) << with_ip << " of " << with_from;
}

}  // namespace
}  // namespace kagami::detect
