# Writes the Data Package v2 fixture packages (test/fixtures/v2/*): each case is a frictionless-py
# test case (or a v2-spec case) as a package with data.csv and expected.json. Run it after
# editing a case, then scripts/confirm-v2-fixtures.sh to check the expectations against frictionless.
# usage: python3 scripts/generate-v2-fixtures.py
import json, os, shutil
ROOT=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'v2')
cases=[]
def case(name, csv, schema=None, dialect=None, ref='', errors=None, beyond=False, extra_files=None, resource_extra=None, files=None):
    cases.append(dict(name=name, csv=csv, schema=schema, dialect=dialect, ref=ref, errors=errors, beyond=beyond, extra_files=extra_files or {}, resource_extra=resource_extra or {}, files=files))
any_fields=lambda names, **kw: [{"name": n} for n in names]
TABLE='id,name\n1,english\n2,中国人\n'
# ---- fieldsMatch: extra label (test_header.py test_errors_on_extra_label)
for mode, exp in [('exact',[[None,3,'extra-label'],[2,3,'extra-cell'],[3,3,'extra-cell']]),('equal',[[None,3,'extra-label']]),('superset',[[None,3,'extra-label']]),('subset',[]),('partial',[])]:
    case(f'fields-match-{mode}-extra-label','a,b,extra\n1,2,3\n4,5,6\n',{"fieldsMatch":mode,"fields":any_fields(['a','b'])},ref='table/__spec__/test_header.py::test_errors_on_extra_label', errors=exp)
for mode, exp in [('exact',[[None,2,'missing-label'],[2,2,'missing-cell'],[3,2,'missing-cell']]),('equal',[[None,2,'missing-label']]),('subset',[[None,2,'missing-label']]),('superset',[]),('partial',[])]:
    case(f'fields-match-{mode}-missing-field','a\n1\n2\n',{"fieldsMatch":mode,"fields":any_fields(['a','b'])},ref='table/__spec__/test_header.py::test_errors_on_missing_field', errors=exp)
for mode in ['superset','partial']:
    case(f'fields-match-{mode}-missing-required','a\n1\n2\n',{"fieldsMatch":mode,"fields":[{"name":"a"},{"name":"b","constraints":{"required":True}}]},ref='table/__spec__/test_header.py::test_errors_on_missing_required_field', errors=[[None,2,'missing-label']])
for mode in ['equal','subset','superset','partial']:
    case(f'fields-match-{mode}-reordered','b,a\nx,1\ny,2\n',{"fieldsMatch":mode,"fields":[{"name":"a","type":"integer"},{"name":"b"}]},ref='table/__spec__/test_header.py::test_errors_reordered_labels_are_not_a_mismatch', errors=[])
case('fields-match-exact-reordered','b,a\nx,1\ny,2\n',{"fields":[{"name":"a","type":"integer"},{"name":"b"}]},ref='table/__spec__/test_header.py::test_errors_exact_reports_reordered_labels_as_incorrect', errors=[[None,1,'incorrect-label'],[None,2,'incorrect-label'],[2,1,'type-error'],[3,1,'type-error']])
case('fields-match-partial-unmatched','x,y\n1,2\n',{"fieldsMatch":"partial","fields":any_fields(['a','b'])},ref='table/__spec__/test_header.py::test_errors_partial_requires_at_least_one_matching_field', errors=[[None,None,'unmatched-header']])
case('fields-match-partial-one-match','x,a\n1,2\n',{"fieldsMatch":"partial","fields":any_fields(['a','b'])},ref='table/__spec__/test_header.py::test_errors_partial_accepts_a_single_matching_field', errors=[])
case('fields-match-equal-extra-first','extra,a,b\n1,2,3\n',{"fieldsMatch":"equal","fields":any_fields(['a','b'])},ref='table/__spec__/test_header.py::test_errors_extra_label_is_reported_at_its_position_in_the_data', errors=[[None,1,'extra-label']])
S1611={"fields":[{"name":"A","type":"string","constraints":{"required":True}},{"name":"B","type":"string"},{"name":"C","type":"string"}]}
S1611b={"fields":[{"name":"A","type":"string","constraints":{"required":True}},{"name":"B","type":"string"},{"name":"C","type":"string","constraints":{"required":True}}]}
case('fields-match-partial-issue-1611-a','B,C\nb,c\n',{"fieldsMatch":"partial",**S1611},ref='validator/__spec__/resource/test_schema.py::test_resource_with_missing_required_header_with_schema_sync_is_true_issue_1611 (schema_sync = partial)', errors=[[None,3,'missing-label']])
case('fields-match-partial-issue-1611-b','B\nb\n',{"fieldsMatch":"partial",**S1611b},ref='same, case 2', errors=[[None,2,'missing-label'],[None,3,'missing-label']])
case('fields-match-partial-issue-1611-c','A,B\na,b\na1\na2,b2\n\na3,b3,c3\n',{"fieldsMatch":"partial",**S1611b},ref='same, case 3', errors=[[None,3,'missing-label'],[3,2,'missing-cell'],[5,None,'blank-row'],[6,3,'extra-cell']])
case('fields-match-partial-header-case-issue-1635','aa,bb,cc\na,b,c\n',{"fieldsMatch":"partial","fields":[{"name":"AA","type":"string","constraints":{"required":True}},{"name":"BB"},{"name":"CC"}]},dialect={"headerCase":False},ref='validator/__spec__/resource/test_schema.py::test_validate_resource_ignoring_header_case_issue_1635', errors=[])
case('fields-match-partial-header-case-default-issue-1635','aa,bb,cc\na,b,c\n',{"fieldsMatch":"partial","fields":[{"name":"AA","type":"string","constraints":{"required":True}},{"name":"BB"},{"name":"CC"}]},ref='same, headerCase default (the frictionless test expects the missing-label only; 5.19 run here also reports unmatched-header)', errors=[[None,None,'unmatched-header'],[None,4,'missing-label']])
for hc in [True, False]:
    for lab in ['B','a']:
        for req in [True, False]:
            exp = [] if (lab=='a' and not hc) else [[None,None,'unmatched-header'],[None,2,'missing-label']]
            case(f'fields-match-partial-pk-issue-1633-{lab.lower()}{"-upper" if lab=="B" else ""}-{"required" if req else "optional"}-{"case" if hc else "nocase"}',f'{lab}\nfoo\n',{"fieldsMatch":"partial","fields":[{"name":"A","constraints":{"required":True} if req else {}}],"primaryKey":["A"]},dialect={"headerCase":hc},ref='table/__spec__/test_header.py::test_missing_primary_key_label_with_shema_sync_issue_1633',errors=exp)
case('fields-match-subset-duplicate-labels-issue-910','id,name,name\n1,a,b\n',{"fieldsMatch":"subset","fields":[{"name":"id","type":"integer"},{"name":"name"}]},ref='validator/__spec__/resource/test_schema.py::test_resource_validate_resource_duplicate_labels_with_sync_schema_issue_910 (frictionless: one task error, no rows read; ours: one descriptor-error)',errors='ERROR')
case('header-case-false-ambiguous-fields','a,b\n1,2\n',{"fieldsMatch":"equal","fields":any_fields(['a','A','b'])},dialect={"headerCase":False},ref='table/header.py get_expected_fields: fields differing only by case under headerCase false',errors='ERROR')
case('required-field-no-column-issue-950',TABLE,{"fields":[{"name":"id","type":"integer"},{"name":"name","type":"string"},{"name":"bad","type":"any","constraints":{"required":True}}]},ref='validator/__spec__/resource/test_schema.py::test_resource_validate_less_actual_fields_with_required_constraint_issue_950',errors=[[None,3,'missing-label'],[2,3,'constraint-error'],[2,3,'missing-cell'],[3,3,'constraint-error'],[3,3,'missing-cell']])
# ---- dialect
case('dialect-header-rows-2','title of the table\nid,name\n1,english\n2,中国人\n',{"fields":[{"name":"id","type":"integer"},{"name":"name"}]},dialect={"headerRows":[2]},ref='resources/__spec__/table/test_dialect.py::test_resource_dialect_header_inline',errors=[])
case('dialect-header-rows-join','k1\nk2\nv1\nv2\nv3\n',{"fields":[{"name":"k1:k2"}]},dialect={"headerRows":[1,2],"headerJoin":":"},ref='resources/__spec__/table/test_dialect.py::test_resource_dialect_header_csv_multiline_headers_join',errors=[])
case('dialect-header-rows-duplicates','k1\nk1\nv1\nv2\nv3\n',{"fields":[{"name":"k1"}]},dialect={"headerRows":[1,2]},ref='resources/__spec__/table/test_dialect.py::test_resource_dialect_header_csv_multiline_headers_duplicates',errors=[])
case('dialect-header-rows-three','Region,Spending,Spending\n,2020,2021\n,EUR,EUR\nNorth,1,2\nSouth,3,x\n',{"fields":[{"name":"Region"},{"name":"Spending 2020 EUR","type":"integer"},{"name":"Spending 2021 EUR","type":"integer"}]},dialect={"headerRows":[1,2,3]},ref='Table Dialect v2 headerRows [1,2,3] with the default headerJoin (frictionless Dialect.read_labels)',errors=[[5,3,'type-error']])
case('dialect-header-strip',' header ,2,3,\nvalue1,value2,value3,value4\n',{"fields":any_fields(['header','2','3','field4'])},ref='resources/__spec__/table/test_dialect.py::test_resource_dialect_header_strip_and_non_strings (labels are stripped; a blank label is blank-label)',errors=[[None,4,'blank-label']])
case('dialect-header-case-default','id,name\n1,english\n2,中国人\n',{"fields":any_fields(['ID','NAME'])},ref='resources/__spec__/table/test_dialect.py::test_resource_layout_header_case_default',errors=[[None,1,'incorrect-label'],[None,2,'incorrect-label']])
case('dialect-header-case-false','id,name\n1,english\n2,中国人\n',{"fields":any_fields(['ID','NAME'])},dialect={"headerCase":False},ref='resources/__spec__/table/test_dialect.py::test_resource_layout_header_case_is_false',errors=[])
SKIP='id,name\n1,english\n# a comment\n#another\n2,中国人\n'
case('dialect-comment-rows','id,name\n1,english\n2,中国人\n3,german\n',{"fields":[{"name":"id","type":"integer"},{"name":"name"}]},dialect={"commentRows":[3]},ref='resources/__spec__/table/test_dialect.py::test_resource_dialect_skip_rows (commentRows)',errors=[])
case('dialect-comment-char-and-rows',SKIP+'x,y\n',{"fields":[{"name":"id","type":"integer"},{"name":"name"}]},dialect={"commentChar":"#","commentRows":[6]},ref='resources/__spec__/table/test_dialect.py::test_resource_dialect_skip_rows',errors=[])
case('dialect-comment-char-row-numbers','#comment\nname,order\nJohn,1\n#x\nAlex,two\n',{"fields":[{"name":"name"},{"name":"order","type":"integer"}]},dialect={"commentChar":"#"},ref='resources/__spec__/table/test_dialect.py::test_resource_layout_skip_rows_with_headers_example_from_readme (comment rows keep their row numbers)',errors=[[5,2,'type-error']])
case('dialect-comment-char-multi','id,name\n// a comment\n1,english\n/ not one\n',{"fields":[{"name":"id","type":"integer"},{"name":"name"}]},dialect={"commentChar":"//"},ref='Table Dialect v2 commentChar of two characters (frictionless: first cell startswith)',errors=[[4,1,'type-error'],[4,2,'missing-cell']])
case('dialect-header-false','1,english\n2,中国人\n',{"fields":[{"name":"id","type":"integer"},{"name":"name"}]},dialect={"header":False},ref='resources/__spec__/table/test_dialect.py::test_resource_dialect_header_false',errors=[])
# ---- missing values
case('missing-values-objects','id,amount\n1,-\n2,n/a\n3,x\n',{"missingValues":[{"value":"-","label":"not applicable"},{"value":"n/a","label":"not available"}],"fields":[{"name":"id","type":"integer"},{"name":"amount","type":"number"}]},ref='schema/missing_values.py: v2 {value,label} objects read as their values',errors=[[4,2,'type-error']])
case('missing-values-field-level','id,amount,note\n1,NA,NA\n2,,\n',{"fields":[{"name":"id","type":"integer"},{"name":"amount","type":"number","missingValues":["NA"]},{"name":"note","constraints":{"required":True}}]},ref='schema/field.py create_cell_reader: a field missingValues overrides the schema\'s',errors=[[3,2,'type-error'],[3,3,'constraint-error']])
case('missing-values-field-level-objects','id,amount\n1,-\n2,x\n',{"fields":[{"name":"id","type":"integer"},{"name":"amount","type":"number","missingValues":[{"value":"-","label":"none"}]}]},ref='schema/field.py + schema/missing_values.py',errors=[[3,2,'type-error']])
case('missing-values-duplicate-value','id,amount\n1,-99\n','DUMMY',ref='schema/__spec__/test_missing_values.py::test_schema_missing_values (duplicate value)',errors='ERROR')
case('missing-values-duplicate-label','id,amount\n1,-99\n','DUMMY',ref='schema/__spec__/test_missing_values.py::test_schema_missing_values_duplicate_label_is_invalid',errors='ERROR')
case('missing-values-empty','id,amount\n1,\n2,3\n',{"missingValues":[],"fields":[{"name":"id","type":"integer"},{"name":"amount","type":"integer"}]},ref='schema/__spec__/test_missing_values.py (empty: no value is missing)',errors=[[2,2,'type-error']])
case('v2-json-schema-array','id,pair\n1,"[1, 2]"\n2,"[1]"\n3,"[1, ""x""]"\n',{"fields":[{"name":"id","type":"integer"},{"name":"pair","type":"array","constraints":{"jsonSchema":{"type":"array","items":{"type":"integer"},"minItems":2}}}]},beyond=True,ref='Table Schema v2 jsonSchema on an array field',errors=[[3,2,'constraint-error'],[4,2,'constraint-error']])
case('header-empty-line','\nid,name\n1,a\n',{"fields":[{"name":"id","type":"integer"},{"name":"name"}]},ref='an empty header line gives no labels (Python csv reads it as no cell), so no label errors; the next line is data',errors=[[2,1,'type-error']])
# ---- labels
case('label-newline-normalised','id,"the\nname"\n1,english\n',{"fields":[{"name":"id","type":"integer"},{"name":"the name"}]},ref='table/header.py: labels are stripped and newlines read as spaces before comparing',errors=[])
case('label-spaces-stripped',' id , name \n1,english\n',{"fields":[{"name":"id","type":"integer"},{"name":"name"}]},ref='helpers/general.py stringify_label',errors=[])
# ---- schema as a path
case('schema-path',TABLE,'schema.json',extra_files={'schema.json':{"fields":[{"name":"id","type":"integer"},{"name":"name"}]}},ref='a resource schema given as a path to a JSON file beside the descriptor (frictionless reads it)',errors=[])
case('schema-path-invalid-rows','id,name\n1,english\nx,y\n','schemas/table.json',extra_files={'schemas/table.json':{"fields":[{"name":"id","type":"integer"},{"name":"name"}]}},ref='same, in a subfolder, with a type error',errors=[[3,1,'type-error']])
# ---- v2 beyond frictionless
case('v2-categories','id,kind\n1,a\n2,c\n3,\n',{"fields":[{"name":"id","type":"integer"},{"name":"kind","type":"string","categories":["a","b"],"categoriesOrdered":True}]},beyond=True,ref='Table Schema v2 categories: a value outside them is a constraint-error',errors=[[3,2,'constraint-error']])
case('v2-categories-objects','id,level\n1,1\n2,3\n',{"fields":[{"name":"id","type":"integer"},{"name":"level","type":"integer","categories":[{"value":1,"label":"low"},{"value":2,"label":"high"}]}]},beyond=True,ref='Table Schema v2 categories as {value,label}',errors=[[3,2,'constraint-error']])
case('v2-unique-keys','a,b\n1,x\n1,y\n1,x\n,x\n,x\n',{"fields":[{"name":"a","type":"integer"},{"name":"b"}],"uniqueKeys":[["a","b"]]},beyond=True,ref='Table Schema v2 uniqueKeys: a repeated key is a unique-error; a key with a null part is not checked',errors=[[4,1,'unique-error']])
case('v2-exclusive-bounds','id,score\n1,0\n2,1\n3,10\n4,9\n',{"fields":[{"name":"id","type":"integer"},{"name":"score","type":"integer","constraints":{"exclusiveMinimum":0,"exclusiveMaximum":10}}]},beyond=True,ref='Table Schema v2 exclusiveMinimum/exclusiveMaximum',errors=[[2,2,'constraint-error'],[4,2,'constraint-error']])
case('v2-json-schema','id,meta\n1,"{""a"": 1}"\n2,"{""a"": ""x""}"\n',{"fields":[{"name":"id","type":"integer"},{"name":"meta","type":"object","constraints":{"jsonSchema":{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}}}]},beyond=True,ref='Table Schema v2 jsonSchema on an object field',errors=[[3,2,'constraint-error']])
case('v2-list','id,tags,scores\n1,"a,b",1;2\n2,c,1;x\n3,,\n',{"fields":[{"name":"id","type":"integer"},{"name":"tags","type":"list"},{"name":"scores","type":"list","delimiter":";","itemType":"integer","constraints":{"minLength":2}}]},beyond=True,ref='Table Schema v2 list type with delimiter and itemType',errors=[[3,3,'type-error']])
case('v2-integer-group-char','id,amount\n1,"1,000"\n2,"12,5"\n3,1.5\n',{"fields":[{"name":"id","type":"integer"},{"name":"amount","type":"integer","groupChar":","}]},beyond=True,ref='Table Schema v2 groupChar on integer fields',errors=[[4,2,'type-error']])
os.makedirs(ROOT, exist_ok=True)
for c in cases:
    d=os.path.join(ROOT,c['name'])
    if os.path.exists(d): shutil.rmtree(d)
    os.makedirs(d)
    with open(os.path.join(d,'data.csv'),'w',newline='') as f: f.write(c['csv'])
    res={"name":"data","path":"data.csv"}
    if c['dialect']: res['dialect']=c['dialect']
    if c['schema'] == 'DUMMY':
        mv = [{"value":"-99","label":"REFUSED"},{"value":"-99","label":"OMITTED"}] if 'duplicate-value' in c['name'] else [{"value":"-99","label":"REFUSED"},{"value":"","label":"REFUSED"}]
        res['schema']={"missingValues":mv,"fields":[{"name":"id","type":"integer"},{"name":"amount","type":"integer"}]}
    elif c['schema'] is not None: res['schema']=c['schema']
    pkg={"$schema":"https://datapackage.org/profiles/2.0/datapackage.json","name":c['name'],"resources":[res]}
    json.dump(pkg, open(os.path.join(d,'datapackage.json'),'w'), indent=2, ensure_ascii=False)
    for p,v in c['extra_files'].items():
        os.makedirs(os.path.dirname(os.path.join(d,p)), exist_ok=True)
        json.dump(v, open(os.path.join(d,p),'w'), indent=2)
    exp={"reference":c['ref'],"source":"v2-spec" if c['beyond'] else "frictionless","errors":c['errors']}
    json.dump(exp, open(os.path.join(d,'expected.json'),'w'), indent=1, ensure_ascii=False)
print(len(cases))
